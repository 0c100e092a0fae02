// The boards page: the newest boards first, by everyone, by the people one follows (the feed),
// by oneself or by one author; people write, edit and delete their own, admins any. An
// author's name opens their profile card above the list, to follow them from there.
import { api, ApiError, formValues, PagedList, profileUrl, run, startSession } from "./oz.js";
import { boardRenderer } from "./board-items.js";
import { profileCard } from "./people.js";

const section = document.getElementById("signed-in");
const writeForm = document.getElementById("write");
const empty = document.getElementById("empty");
const filterText = document.getElementById("filter-text");
const filterMine = document.getElementById("filter-mine");
const filterFollowing = document.getElementById("filter-following");
const filterAll = document.getElementById("filter-all");
const profile = document.getElementById("profile");
const profileBoards = profile.querySelector(".profile-boards");
const FOLLOWING_HASH = "#following";

let me = null;
// Whose boards are listed: {kind: "everyone"}, {kind: "following"}, or {kind: "author", id, name}.
let view = { kind: "everyone" };
let renderBoard = null;

const boards = new PagedList({
  list: document.getElementById("boards"),
  more: document.getElementById("load-more"),
  box: section,
  render: (board) => renderBoard(board),
  empty,
  loaded: () => {
    if (view.kind === "following" && boards.list.children.length === 0) explainEmptyFeed(view);
  },
});
const card = profileCard(profile, () => me, () => {
  // A follow or an unfollow changes what the feed holds.
  if (view.kind === "following") showBoards();
});

startSession((signedIn) => {
  me = signedIn;
  section.hidden = !me;
  profile.hidden = true;
  if (!me) {
    boards.clear();
    return;
  }
  renderBoard = boardRenderer({
    me,
    onAuthor: (board) => filterBy({ kind: "author", id: board.user_id, name: board.author }),
    onProfile: showProfile,
    onRemoved: () => {
      empty.hidden = boards.list.children.length > 0;
    },
  });
  // A link to the page's feed (…/manage-boards#following) opens on it.
  filterBy(location.hash === FOLLOWING_HASH ? { kind: "following" } : { kind: "everyone" });
});

filterMine.addEventListener("click", () => filterBy({ kind: "author", id: me.id, name: me.name }));
filterFollowing.addEventListener("click", () => filterBy({ kind: "following" }));
filterAll.addEventListener("click", () => filterBy({ kind: "everyone" }));
profileBoards.addEventListener("click", () => {
  filterBy({ kind: "author", id: card.shown.id, name: card.shown.name });
});
profile.querySelector(".profile-close").addEventListener("click", () => {
  profile.hidden = true;
});

writeForm.addEventListener("submit", (event) => {
  event.preventDefault();
  run(writeForm, event.submitter, async () => {
    const { data } = await api("POST", "/boards", formValues(writeForm));
    writeForm.reset();
    // Nobody follows themself: a new board of one's own shows in everyone's and one's own.
    if (view.kind === "everyone" || (view.kind === "author" && view.id === me.id)) {
      boards.list.prepend(renderBoard(data));
      empty.hidden = true;
    }
  });
});

function filterBy(newView) {
  view = newView;
  const url = new URL(location.href);
  url.hash = view.kind === "following" ? FOLLOWING_HASH : "";
  history.replaceState(null, "", url);
  showBoards();
}

/** Say why the feed is empty: one follows nobody yet, or only people who wrote nothing. */
async function explainEmptyFeed(shown) {
  let follows;
  try {
    ({ data: follows } = await api("GET", `/users/${me.id}/following?limit=1`));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return; // the general text stays
  }
  if (view !== shown) return;
  empty.textContent = follows.length
    ? "The people you follow have not written any boards yet."
    : "You follow nobody yet. Open someone's profile (the link by their name) and press Follow: their boards will show here.";
}

function showBoards() {
  const isMine = view.kind === "author" && view.id === me.id;
  filterText.textContent = {
    everyone: "Newest boards by everyone.",
    following: "Newest boards by the people you follow.",
    author: `Boards by ${view.name}, newest first.`,
  }[view.kind];
  filterAll.hidden = view.kind === "everyone";
  filterFollowing.hidden = view.kind === "following";
  filterMine.hidden = isMine;
  empty.textContent = {
    everyone: "No boards yet.",
    following: "No boards by the people you follow.",
    author: isMine ? "You have not written any boards yet." : "No boards yet.",
  }[view.kind];
  if (view.kind === "following") return boards.show("/feed");
  return boards.show(view.kind === "author" ? `/boards?user_id=${view.id}` : "/boards");
}

/** Show a person's profile (GET /profiles/{name}) in the card above the list. */
function showProfile(name) {
  card.clear(name);
  profileBoards.hidden = true;
  const pageLink = profile.querySelector(".profile-page");
  pageLink.hidden = true;
  profile.hidden = false;
  profile.scrollIntoView({ block: "nearest" });
  return run(profile, profileBoards, async () => {
    const shown = await card.load(name);
    // Another profile asked for, or a sign-out, while this one was on its way.
    if (!shown || profile.hidden) return;
    profileBoards.hidden = false;
    pageLink.href = profileUrl(shown.name);
    pageLink.hidden = false;
  });
}
