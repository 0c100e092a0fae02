// A board as the pages draw it, wherever boards are listed: its author, its text, Edit and
// Delete for its author and admins, and its comments (oldest first) with their own Edit and
// Delete. Edits send the ETag they started from; templates/board_templates.html holds the markup.
import { api, confirmDelete, formValues, guardEdits, PagedList, plural, profileUrl, run, showTime } from "./oz.js";

const BOARD_FIELDS = [["Title", "title"], ["Content", "content"]];
const COMMENT_FIELDS = [["Comment", "content"]];

/** Make a link lead to the profile of the person named; onOpen, if given, opens it in place. */
export function linkProfile(link, name, onOpen) {
  link.href = profileUrl(name);
  link.setAttribute("aria-label", `Profile of ${name}`);
  if (!onOpen) return;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    onOpen(name);
  });
}

/** Open and close an item's edit form: Edit reads the current version, Cancel puts it away. */
function wireEditor({ item, editButton, form, url, fields, fill, method, onSaved }) {
  const editor = guardEdits(form, url, fields, onSaved);
  const close = () => {
    form.hidden = true;
    editButton.hidden = false;
    editButton.focus();
  };
  editButton.addEventListener("click", () => run(item, editButton, async () => {
    fill(await editor.open());
    form.hidden = false;
    editButton.hidden = true;
    form.querySelector("input, textarea").focus();
  }));
  form.querySelector(".cancel").addEventListener("click", close);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, event.submitter, async () => {
      const saved = await editor.save(method, formValues(form));
      if (saved) onSaved(saved);
    });
  });
}

/**
 * A function that draws one board for the signed-in person me.
 * onAuthor(board): what the author's name does; onProfile(name): opens a profile in place
 * (without it, profile links are plain links); onRemoved(): after a board was deleted.
 */
export function boardRenderer({ me, onAuthor, onProfile, onRemoved }) {
  const template = document.getElementById("board-item");
  const commentTemplate = document.getElementById("comment-item");

  /** Wire a board's comments: the count, the list opened on demand, and the form. */
  function wireComments(item, board) {
    const toggle = item.querySelector(".comments-toggle");
    const section = item.querySelector(".comments");
    const form = item.querySelector(".comment-form");
    let count = board.comments;
    let opened = false;
    let allShown = false; // every page up to the newest comment is in the list

    const showCount = () => {
      toggle.textContent = plural(count, "comment");
    };
    showCount();

    const comments = new PagedList({
      list: item.querySelector(".comment-list"),
      more: item.querySelector(".more-comments"),
      box: section,
      render: renderComment,
      loaded: () => {
        allShown = !comments.next;
      },
    });

    toggle.addEventListener("click", () => {
      section.hidden = !section.hidden;
      toggle.setAttribute("aria-expanded", String(!section.hidden));
      if (!opened) {
        opened = true;
        comments.load(`/boards/${board.id}/comments`);
      }
    });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run(form, event.submitter, async () => {
        const { data } = await api("POST", `/boards/${board.id}/comments`, formValues(form));
        form.reset();
        count += 1;
        showCount();
        // Oldest first: the new comment belongs at the end, once the pages before it are shown.
        if (allShown) comments.list.append(renderComment(data));
      });
    });

    function renderComment(comment) {
      const entry = commentTemplate.content.firstElementChild.cloneNode(true);
      entry.dataset.commentId = comment.id;
      const authorLink = entry.querySelector(".comment-author");
      authorLink.textContent = comment.author;
      linkProfile(authorLink, comment.author, onProfile);
      showTime(entry.querySelector(".comment-created"), comment.created_at);
      entry.querySelector(".comment-edited").textContent = comment.updated_at !== comment.created_at ? " · edited" : "";
      entry.querySelector(".comment-content").textContent = comment.content;

      const mayEdit = comment.user_id === me.id || me.role === "admin";
      const mayDelete = mayEdit || board.user_id === me.id;
      const editButton = entry.querySelector(".edit");
      const deleteButton = entry.querySelector(".delete");
      entry.querySelector(".comment-actions").hidden = !mayDelete;
      editButton.hidden = !mayEdit;
      if (mayEdit) {
        const form = entry.querySelector(".edit-form");
        wireEditor({
          item: entry, editButton, form, url: `/comments/${comment.id}`, fields: COMMENT_FIELDS, method: "PATCH",
          fill: (current) => {
            form.elements.content.value = current.content;
          },
          onSaved: (saved) => entry.replaceWith(renderComment(saved)),
        });
      }
      if (mayDelete) {
        confirmDelete(entry, deleteButton, "Delete this comment?", async () => {
          await api("DELETE", `/comments/${comment.id}`);
          entry.remove();
          count -= 1;
          showCount();
        });
      }
      return entry;
    }
  }

  return function renderBoard(board) {
    const item = template.content.firstElementChild.cloneNode(true);
    item.dataset.boardId = board.id;
    item.classList.toggle("mine", board.user_id === me.id);
    item.querySelector(".board-title").textContent = board.title;
    item.querySelector(".board-content").textContent = board.content;
    const authorButton = item.querySelector(".board-author");
    authorButton.textContent = board.author;
    authorButton.title = `Show only ${board.author}'s boards`;
    authorButton.addEventListener("click", () => onAuthor(board));
    linkProfile(item.querySelector(".board-profile"), board.author, onProfile);
    wireComments(item, board);
    showTime(item.querySelector(".board-created"), board.created_at);
    item.querySelector(".board-edited").textContent = board.updated_at !== board.created_at ? " · edited" : "";

    const mayEdit = board.user_id === me.id || me.role === "admin";
    const actions = item.querySelector(":scope > .actions");
    actions.hidden = !mayEdit;
    if (!mayEdit) return item;

    const form = item.querySelector(":scope > .edit-form");
    wireEditor({
      item, editButton: actions.querySelector(".edit"), form, url: `/boards/${board.id}`,
      fields: BOARD_FIELDS, method: "PUT",
      fill: (current) => {
        form.elements.title.value = current.title;
        form.elements.content.value = current.content;
      },
      onSaved: (saved) => item.replaceWith(renderBoard(saved)),
    });
    confirmDelete(item, actions.querySelector(".delete"), "Delete this board?", async () => {
      await api("DELETE", `/boards/${board.id}`);
      item.remove();
      onRemoved();
    });
    return item;
  };
}
