// The users page: everyone is listed; people edit or delete their own account, admins any.
// An edit starts from the account as it is now and never overwrites a change made meanwhile.
import { api, confirmDelete, formValues, guardEdits, PagedList, profileUrl, run, showTime, startSession } from "./oz.js";

const ACCOUNT_FIELDS = [["Name", "name"], ["Email", "email"], ["Role", "role"]];

const section = document.getElementById("signed-in");
const hint = document.getElementById("users-hint");
const template = document.getElementById("user-item");
let me = null;

const users = new PagedList({
  list: document.getElementById("users"),
  more: document.getElementById("load-more"),
  box: section,
  render: (user) => renderUser(user),
});

const session = startSession((signedIn) => {
  me = signedIn;
  section.hidden = !me;
  users.clear();
  if (!me) return;
  hint.textContent = me.role === "admin"
    ? "As an admin you can edit, delete or promote anyone."
    : "You can edit or delete your own account.";
  users.show("/users");
});

function renderUser(user) {
  const isMe = user.id === me.id;
  const isAdmin = me.role === "admin";
  const item = template.content.firstElementChild.cloneNode(true);
  item.dataset.userId = user.id;
  item.classList.toggle("mine", isMe);

  const name = item.querySelector(".user-name");
  name.textContent = isMe ? `${user.name} (you)` : user.name;
  name.href = profileUrl(user.name);
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
  // The account as the edit started from it, to send only what the person changed.
  let original = user;
  const editor = guardEdits(form, `/users/${user.id}`, ACCOUNT_FIELDS, (current) => {
    item.replaceWith(renderUser(current));
  });
  editButton.addEventListener("click", () => run(item, editButton, async () => {
    original = await editor.open();
    form.elements.name.value = original.name;
    form.elements.email.value = original.email;
    form.elements.password.value = "";
    form.hidden = false;
    editButton.hidden = true;
    form.elements.name.focus();
  }));
  form.querySelector(".cancel").addEventListener("click", () => {
    form.hidden = true;
    editButton.hidden = false;
    editButton.focus();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const { name, email, password } = formValues(form);
    // Send only what changed, so an unchanged email is never re-checked for uniqueness.
    const changes = {};
    if (name !== original.name) changes.name = name;
    if (email !== original.email) changes.email = email;
    if (password) changes.password = password;
    run(form, event.submitter, async () => {
      const saved = await editor.save("PATCH", changes);
      if (!saved) return;
      if (isMe) {
        await session.updated(saved, password);
        me = saved;
      }
      item.replaceWith(renderUser(saved));
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
  confirmDelete(item, item.querySelector(".delete"), question, async () => {
    await api("DELETE", `/users/${user.id}`);
    // The account's tokens went with it.
    if (isMe) session.forget();
    else item.remove();
  });
  return item;
}
