// The users page: everyone is listed; people edit or delete their own account, admins any.
import { api, confirmDelete, formValues, nextLink, run, showTime, startSession } from "./oz.js";

const section = document.getElementById("signed-in");
const list = document.getElementById("users");
const loadMore = document.getElementById("load-more");
const hint = document.getElementById("users-hint");
const template = document.getElementById("user-item");
let me = null;
let nextPage = null;
let listing = 0;

const session = startSession((signedIn) => {
  me = signedIn;
  section.hidden = !me;
  list.replaceChildren();
  loadMore.hidden = true;
  if (!me) return;
  hint.textContent = me.role === "admin"
    ? "As an admin you can edit, delete or promote anyone."
    : "You can edit or delete your own account.";
  loadPage("/users");
});

loadMore.addEventListener("click", () => loadPage(nextPage));

function loadPage(url) {
  // A sign-in that changes while a page is on its way makes that page stale.
  const thisListing = ++listing;
  return run(section, loadMore, async () => {
    const { data, response } = await api("GET", url);
    if (thisListing !== listing) return;
    list.append(...data.map(renderUser));
    nextPage = nextLink(response);
    loadMore.hidden = !nextPage;
  });
}

function renderUser(user) {
  const isMe = user.id === me.id;
  const isAdmin = me.role === "admin";
  const item = template.content.firstElementChild.cloneNode(true);
  item.dataset.userId = user.id;
  item.classList.toggle("mine", isMe);

  item.querySelector(".user-name").textContent = isMe ? `${user.name} (you)` : user.name;
  const role = item.querySelector(".user-role");
  role.textContent = user.role;
  role.classList.toggle("admin", user.role === "admin");
  item.querySelector(".user-email").textContent = user.email || "";
  item.querySelector(".user-id").textContent = user.id;
  showTime(item.querySelector(".user-created"), user.created_at);

  const mayEdit = isMe || isAdmin;
  item.querySelector(".actions").hidden = !mayEdit;
  item.querySelector(".promote").hidden = !isAdmin || user.role === "admin";
  if (!mayEdit) return item;

  const form = item.querySelector(".edit-form");
  const editButton = item.querySelector(".edit");
  editButton.addEventListener("click", () => {
    form.elements.name.value = user.name;
    form.elements.email.value = user.email;
    form.elements.password.value = "";
    form.hidden = false;
    editButton.hidden = true;
    form.elements.name.focus();
  });
  form.querySelector(".cancel").addEventListener("click", () => {
    form.hidden = true;
    editButton.hidden = false;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const { name, email, password } = formValues(form);
    // Send only what changed, so an unchanged email is never re-checked for uniqueness.
    const changes = {};
    if (name !== user.name) changes.name = name;
    if (email !== user.email) changes.email = email;
    if (password) changes.password = password;
    run(form, event.submitter, async () => {
      const { data } = await api("PATCH", `/users/${user.id}`, changes);
      if (isMe) {
        await session.updated(data, password);
        me = data;
      }
      item.replaceWith(renderUser(data));
    });
  });

  const promote = item.querySelector(".promote");
  promote.addEventListener("click", () => run(item, promote, async () => {
    const { data } = await api("PATCH", `/users/${user.id}`, { role: "admin" });
    item.replaceWith(renderUser(data));
  }));

  const question = isMe
    ? "Delete your account and all your boards?"
    : `Delete ${user.name} and all their boards?`;
  confirmDelete(item, question, async () => {
    await api("DELETE", `/users/${user.id}`);
    // The account's tokens went with it.
    if (isMe) session.forget();
    else item.remove();
  });
  return item;
}
