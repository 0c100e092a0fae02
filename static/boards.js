// The boards page: the newest boards first; people write, edit and delete their own, admins any.
// Each board opens its comments (oldest first), and each author's name leads to their profile.
import { api, confirmDelete, formValues, nextLink, run, showTime, startSession } from "./oz.js";

const section = document.getElementById("signed-in");
const writeForm = document.getElementById("write");
const list = document.getElementById("boards");
const empty = document.getElementById("empty");
const loadMore = document.getElementById("load-more");
const filterText = document.getElementById("filter-text");
const filterMine = document.getElementById("filter-mine");
const filterAll = document.getElementById("filter-all");
const template = document.getElementById("board-item");
const commentTemplate = document.getElementById("comment-item");
const profile = document.getElementById("profile");
const profileBoards = profile.querySelector(".profile-boards");
let me = null;
let author = null; // {id, name} when only one author's boards are shown
let nextPage = null;
let listing = 0;
let shownProfile = null; // the profile's {id, name} once it has arrived
let profiling = 0;

startSession((signedIn) => {
  me = signedIn;
  section.hidden = !me;
  author = null;
  profile.hidden = true;
  if (me) showBoards();
  else list.replaceChildren();
});

loadMore.addEventListener("click", () => loadPage(nextPage));
filterMine.addEventListener("click", () => filterBy({ id: me.id, name: me.name }));
filterAll.addEventListener("click", () => filterBy(null));
profileBoards.addEventListener("click", () => filterBy(shownProfile));
profile.querySelector(".profile-close").addEventListener("click", () => {
  profile.hidden = true;
});

writeForm.addEventListener("submit", (event) => {
  event.preventDefault();
  run(writeForm, event.submitter, async () => {
    const { data } = await api("POST", "/boards", formValues(writeForm));
    writeForm.reset();
    if (!author || author.id === me.id) {
      list.prepend(renderBoard(data));
      empty.hidden = true;
    }
  });
});

function filterBy(newAuthor) {
  author = newAuthor;
  showBoards();
}

function showBoards() {
  filterText.textContent = author ? `Boards by ${author.name}, newest first.` : "Newest boards by everyone.";
  filterAll.hidden = !author;
  filterMine.hidden = Boolean(author && author.id === me.id);
  list.replaceChildren();
  empty.hidden = true;
  loadMore.hidden = true;
  loadPage(author ? `/boards?user_id=${author.id}` : "/boards");
}

function loadPage(url) {
  // A filter or sign-in that changes while a page is on its way makes that page stale.
  const thisListing = ++listing;
  return run(section, loadMore, async () => {
    const { data, response } = await api("GET", url);
    if (thisListing !== listing) return;
    list.append(...data.map(renderBoard));
    empty.hidden = list.children.length > 0;
    nextPage = nextLink(response);
    loadMore.hidden = !nextPage;
  });
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Show a person's profile (GET /profiles/{name}) in the panel above the list. */
function showProfile(name) {
  const thisProfile = ++profiling;
  shownProfile = null;
  profileBoards.hidden = true;
  profile.querySelector(".profile-name").textContent = name;
  for (const slot of profile.querySelectorAll(".profile-joined, .profile-counts, .profile-relation")) {
    slot.textContent = "";
  }
  profile.hidden = false;
  profile.scrollIntoView({ block: "nearest" });
  return run(profile, profileBoards, async () => {
    const { data } = await api("GET", `/profiles/${encodeURIComponent(name)}`);
    // Another profile asked for, or a sign-out, while this one was on its way.
    if (thisProfile !== profiling || profile.hidden) return;
    shownProfile = { id: data.id, name: data.name };
    profileBoards.hidden = false;
    profile.querySelector(".profile-name").textContent = data.name;
    showTime(profile.querySelector(".profile-joined"), data.created_at);
    profile.querySelector(".profile-counts").textContent = [
      plural(data.boards, "board"), plural(data.followers, "follower"), `${data.following} following`,
    ].join(" · ");
    profile.querySelector(".profile-relation").textContent =
      data.id === me.id ? "This is you." : data.followed_by_me ? "You follow them." : "";
  });
}

/** Make a link open the profile of the person named. */
function linkProfile(link, name) {
  link.href = `#profile=${encodeURIComponent(name)}`;
  link.setAttribute("aria-label", `Profile of ${name}`);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    showProfile(name);
  });
}

/** Wire a board's comments: the count, the list opened on demand, and the form. */
function wireComments(item, board) {
  const toggle = item.querySelector(".comments-toggle");
  const section = item.querySelector(".comments");
  const commentList = item.querySelector(".comment-list");
  const more = item.querySelector(".more-comments");
  const form = item.querySelector(".comment-form");
  let count = board.comments;
  let opened = false;
  let nextComments = null;
  let allShown = false; // every page up to the newest comment is in the list

  const showCount = () => {
    toggle.textContent = plural(count, "comment");
  };
  showCount();

  const loadComments = (url) => run(section, more, async () => {
    const { data, response } = await api("GET", url);
    commentList.append(...data.map(renderComment));
    nextComments = nextLink(response);
    allShown = !nextComments;
    more.hidden = allShown;
  });

  toggle.addEventListener("click", () => {
    section.hidden = !section.hidden;
    toggle.setAttribute("aria-expanded", String(!section.hidden));
    if (!opened) {
      opened = true;
      loadComments(`/boards/${board.id}/comments`);
    }
  });
  more.addEventListener("click", () => loadComments(nextComments));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, event.submitter, async () => {
      const { data } = await api("POST", `/boards/${board.id}/comments`, formValues(form));
      form.reset();
      count += 1;
      showCount();
      // Oldest first: the new comment belongs at the end, once the pages before it are shown.
      if (allShown) commentList.append(renderComment(data));
    });
  });

  function renderComment(comment) {
    const entry = commentTemplate.content.firstElementChild.cloneNode(true);
    entry.dataset.commentId = comment.id;
    const authorLink = entry.querySelector(".comment-author");
    authorLink.textContent = comment.author;
    linkProfile(authorLink, comment.author);
    showTime(entry.querySelector(".comment-created"), comment.created_at);
    entry.querySelector(".comment-content").textContent = comment.content;
    const mayDelete = comment.user_id === me.id || board.user_id === me.id || me.role === "admin";
    entry.querySelector(".comment-actions").hidden = !mayDelete;
    if (mayDelete) {
      confirmDelete(entry, "Delete this comment?", async () => {
        await api("DELETE", `/comments/${comment.id}`);
        entry.remove();
        count -= 1;
        showCount();
      });
    }
    return entry;
  }
}

function renderBoard(board) {
  const item = template.content.firstElementChild.cloneNode(true);
  item.dataset.boardId = board.id;
  item.classList.toggle("mine", board.user_id === me.id);
  item.querySelector(".board-title").textContent = board.title;
  item.querySelector(".board-content").textContent = board.content;
  const authorButton = item.querySelector(".board-author");
  authorButton.textContent = board.author;
  authorButton.addEventListener("click", () => filterBy({ id: board.user_id, name: board.author }));
  linkProfile(item.querySelector(".board-profile"), board.author);
  wireComments(item, board);
  showTime(item.querySelector(".board-created"), board.created_at);
  item.querySelector(".board-edited").textContent = board.updated_at !== board.created_at ? " · edited" : "";

  const mayEdit = board.user_id === me.id || me.role === "admin";
  item.querySelector(".actions").hidden = !mayEdit;
  if (!mayEdit) return item;

  const form = item.querySelector(".edit-form");
  const editButton = item.querySelector(".edit");
  editButton.addEventListener("click", () => {
    form.elements.title.value = board.title;
    form.elements.content.value = board.content;
    form.hidden = false;
    editButton.hidden = true;
    form.elements.title.focus();
  });
  form.querySelector(".cancel").addEventListener("click", () => {
    form.hidden = true;
    editButton.hidden = false;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, event.submitter, async () => {
      const { data } = await api("PUT", `/boards/${board.id}`, formValues(form));
      item.replaceWith(renderBoard(data));
    });
  });

  confirmDelete(item, "Delete this board?", async () => {
    await api("DELETE", `/boards/${board.id}`);
    item.remove();
    empty.hidden = list.children.length > 0;
  });
  return item;
}
