// The boards page: the newest boards first; people write, edit and delete their own, admins any.
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
let me = null;
let author = null; // {id, name} when only one author's boards are shown
let nextPage = null;
let listing = 0;

startSession((signedIn) => {
  me = signedIn;
  section.hidden = !me;
  author = null;
  if (me) showBoards();
  else list.replaceChildren();
});

loadMore.addEventListener("click", () => loadPage(nextPage));
filterMine.addEventListener("click", () => filterBy({ id: me.id, name: me.name }));
filterAll.addEventListener("click", () => filterBy(null));

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

function renderBoard(board) {
  const item = template.content.firstElementChild.cloneNode(true);
  item.dataset.boardId = board.id;
  item.classList.toggle("mine", board.user_id === me.id);
  item.querySelector(".board-title").textContent = board.title;
  item.querySelector(".board-content").textContent = board.content;
  const authorButton = item.querySelector(".board-author");
  authorButton.textContent = board.author;
  authorButton.addEventListener("click", () => filterBy({ id: board.user_id, name: board.author }));
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
