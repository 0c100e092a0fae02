// A person's profile page, /people/<name>: their counts, Follow / Unfollow, and their
// boards, their followers and the people they follow, each list a page at a time.
import { ApiError, PagedList, showError, startSession } from "./oz.js";
import { boardRenderer } from "./board-items.js";
import { profileCard, renderPerson } from "./people.js";

const section = document.getElementById("signed-in");
const lists = document.getElementById("lists");
const empty = document.getElementById("empty");
const tabs = [...lists.querySelectorAll(".tab")];
// The name as the address spells it; the card shows it as the person wrote it.
const name = section.dataset.name;

const EMPTY_TEXT = {
  boards: "No boards yet.",
  followers: "Nobody follows them yet.",
  following: "They follow nobody yet.",
};

let me = null;
let shownList = "boards";
let renderBoard = null;

const entries = new PagedList({
  list: document.getElementById("entries"),
  more: document.getElementById("load-more"),
  box: lists,
  render: (entry) => (shownList === "boards" ? renderBoard(entry) : renderPerson(entry)),
  empty,
});

const profile = document.getElementById("profile");
const card = profileCard(profile, () => me, () => {
  // Following or unfollowing changes their followers: a list of them shown is out of date.
  if (shownList === "followers") showList("followers");
});

startSession(async (signedIn) => {
  me = signedIn;
  section.hidden = !me;
  lists.hidden = true;
  entries.clear();
  if (!me) return;
  renderBoard = boardRenderer({
    me,
    onAuthor: () => showList("boards"),
    onRemoved: () => {
      empty.hidden = entries.list.children.length > 0;
    },
  });
  card.clear(name);
  try {
    await card.load(name);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showError(profile, error);
    return;
  }
  lists.hidden = false;
  showList(shownList);
});

for (const tab of tabs) {
  tab.addEventListener("click", () => showList(tab.dataset.list));
}

function showList(list) {
  shownList = list;
  for (const tab of tabs) tab.setAttribute("aria-pressed", String(tab.dataset.list === list));
  empty.textContent = EMPTY_TEXT[list];
  entries.show(`/users/${card.shown.id}/${list}`);
}
