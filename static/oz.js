// What every oz page shares: calling the API as the signed-in person, showing its errors,
// lists read a page at a time, edits that never overwrite, and the sign-in, sign-up and
// sign-out controls.
// User content only ever goes into the page through textContent, never as HTML.
// Signing in trades the password for a token (POST /tokens); the tab keeps only the token,
// in sessionStorage, and never the password (docs/pages.md says why there).

const TOKEN_KEY = "oz.token";

/** An API answer that was not a success, carrying its JSON message and field errors. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `The server answered with status ${status}.`);
    this.status = status;
    const errors = (body && body.errors) || {};
    this.fields = { ...errors.query, ...errors.json };
    // The server could not be reached, or its database could not: the same request may
    // well succeed in a moment, and the token is as good as it was.
    this.retryable = status === 0 || status === 503;
  }
}

/** The token this tab signed in with, or null. */
function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

// What to do when the API refuses the tab's token; startSession() makes it sign the page out.
let tokenRefused = () => {};

function authorization(credentials) {
  if (typeof credentials === "string") return `Bearer ${credentials}`;
  // Email and password, only to get a token. btoa takes only Latin-1; encode as UTF-8
  // first, as curl does, so any password works.
  const bytes = new TextEncoder().encode(`${credentials.email}:${credentials.password}`);
  return "Basic " + btoa(String.fromCharCode(...bytes));
}

/**
 * Call the API; resolve to {data, response} or reject with an ApiError.
 * credentials: the tab's token by default, {email, password} to sign in, null for none.
 * ifMatch: the ETag the change was made against, so that it never overwrites another (412).
 */
export async function api(method, url, body, { credentials = savedToken(), ifMatch } = {}) {
  // X-Requested-With asks the API to leave WWW-Authenticate out of its 401, so the browser
  // shows no Basic-auth dialog of its own and the page shows the message instead.
  const headers = { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" };
  if (credentials) headers.Authorization = authorization(credentials);
  if (ifMatch) headers["If-Match"] = ifMatch;
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, { message: "Could not reach the server. Check the connection and try again." });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return { data, response };
  // Only a 401 says the token is gone (expired, revoked, or its account deleted); a 503 or
  // a lost connection says nothing about it, and the tab stays signed in.
  if (response.status === 401 && credentials && credentials === savedToken()) tokenRefused();
  throw new ApiError(response.status, data);
}

/** The URL of the next page from a response's Link header, or null on the last page. */
export function nextLink(response) {
  const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(response.headers.get("Link") || "");
  return match ? match[1] : null;
}

/** A form's fields as an object, as typed: the API does the trimming and checking. */
export function formValues(form) {
  return Object.fromEntries(new FormData(form));
}

/** Show a date-time from the API in the reader's own time zone. */
export function showTime(element, iso) {
  element.dateTime = iso;
  element.textContent = new Date(iso).toLocaleString();
}

export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** The address of a person's profile page: one that can be copied, pasted and shared. */
export function profileUrl(name) {
  return `/people/${encodeURIComponent(name)}`;
}

function clearErrors(box) {
  for (const slot of box.querySelectorAll(":scope > .form-error, :scope > .field-error")) {
    slot.textContent = "";
  }
}

/** Put an ApiError's message in the box, and each field's errors next to its input. */
export function showError(box, error) {
  clearErrors(box);
  const placed = [];
  const unplaced = [];
  for (const [field, messages] of Object.entries(error.fields)) {
    const text = Array.isArray(messages) ? messages.join(" ") : JSON.stringify(messages);
    const slot = box.querySelector(`:scope > [data-error-for="${CSS.escape(field)}"]`);
    if (slot) {
      slot.textContent = text;
      placed.push(text);
    } else {
      unplaced.push(`${field}: ${text}`);
    }
  }
  // A message that only repeats what already stands next to its field is said once.
  const message = placed.includes(error.message) ? [] : [error.message];
  if (error.retryable && savedToken()) message.push("You are still signed in.");
  box.querySelector(":scope > .form-error").textContent = [...message, ...unplaced].join(" ");
}

/** Run an API action from a button: busy while it runs, its error shown in the box. */
export async function run(box, button, action) {
  clearErrors(box);
  button.disabled = true;
  try {
    await action();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showError(box, error);
  } finally {
    button.disabled = false;
  }
}

/**
 * Arm a delete button: it asks on the page (no browser dialog), in the confirmation that
 * stands beside that very button, before calling action. Errors go to the item's box.
 */
export function confirmDelete(item, deleteButton, question, action) {
  const confirm = deleteButton.closest(".confirmable").querySelector(":scope > .confirm");
  const yes = confirm.querySelector(".confirm-yes");
  const no = confirm.querySelector(".confirm-no");
  confirm.querySelector(".confirm-text").textContent = question;
  const ask = (asking) => {
    confirm.hidden = !asking;
    deleteButton.hidden = asking;
    // The keyboard stays where the question is, on its safe answer, and comes back after.
    (asking ? no : deleteButton).focus();
  };
  deleteButton.addEventListener("click", () => ask(true));
  no.addEventListener("click", () => ask(false));
  yes.addEventListener("click", () => run(item, yes, async () => {
    confirm.hidden = true;
    deleteButton.hidden = false;
    await action();
  }));
}

/**
 * A list filled a page at a time from the API, following each page's Link header.
 * render(item) makes its element; empty, if given, shows when the list has nothing;
 * loaded(), if given, runs after each page. A page that fails to load can be asked for
 * again with the same button.
 */
export class PagedList {
  constructor({ list, more, box, render, empty = null, loaded = () => {} }) {
    Object.assign(this, { list, more, box, render, empty, loaded });
    this.moreLabel = more.textContent;
    this.next = null;
    this.listing = 0;
    more.addEventListener("click", () => this.load(this.next));
  }

  /** Start the list over from its first page, at url. */
  show(url) {
    this.list.replaceChildren();
    if (this.empty) this.empty.hidden = true;
    this.more.hidden = true;
    return this.load(url);
  }

  /** Forget what is shown, and any page on its way. */
  clear() {
    this.listing += 1;
    this.list.replaceChildren();
    this.more.hidden = true;
  }

  load(url) {
    // A new start while a page is on its way (another filter, a sign-out) makes that page stale.
    const thisListing = ++this.listing;
    return run(this.box, this.more, async () => {
      let page;
      try {
        page = await api("GET", url);
      } catch (error) {
        if (thisListing !== this.listing) return;
        this.next = url;
        this.more.textContent = "Try again";
        this.more.hidden = false;
        throw error;
      }
      if (thisListing !== this.listing) return;
      this.list.append(...page.data.map(this.render));
      if (this.empty) this.empty.hidden = this.list.children.length > 0;
      this.next = nextLink(page.response);
      this.more.textContent = this.moreLabel;
      this.more.hidden = !this.next;
      this.loaded();
    });
  }
}

/**
 * Guard an edit form against overwriting someone else's change. open() reads the resource
 * and its ETag, the version the edit starts from; save() sends the edit with that ETag as
 * If-Match. When someone else changed the resource meanwhile (412), the form's conflict box
 * says so and shows the current version (fields: [label, key] pairs); the person's edit
 * stays in the form, to apply again over the current version (its ETag is the one kept now)
 * or to drop (onDrop gets the current version).
 */
export function guardEdits(form, url, fields, onDrop) {
  const conflict = form.querySelector(".conflict");
  const current = conflict.querySelector(".conflict-current");
  let etag = null;
  let latest = null;

  async function read() {
    const { data, response } = await api("GET", url);
    etag = response.headers.get("ETag");
    latest = data;
    return data;
  }

  conflict.querySelector(".conflict-drop").addEventListener("click", () => {
    conflict.hidden = true;
    onDrop(latest);
  });

  return {
    async open() {
      conflict.hidden = true;
      return read();
    },

    /** Resolve to the saved resource, or to null when the edit met someone else's. */
    async save(method, body) {
      try {
        const { data } = await api(method, url, body, { ifMatch: etag });
        conflict.hidden = true;
        return data;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 412) throw error;
      }
      const now = await read();
      current.replaceChildren(...fields.flatMap(([label, key]) => {
        const term = document.createElement("dt");
        term.textContent = label;
        const value = document.createElement("dd");
        value.textContent = now[key];
        return [term, value];
      }));
      conflict.hidden = false;
      conflict.querySelector(".conflict-apply").focus();
      return null;
    },
  };
}

/**
 * Wire the header and the sign-in and sign-up forms of the page.
 * onChange(me) runs with the signed-in user, or null, whenever that changes.
 */
export function startSession(onChange) {
  const whoami = document.getElementById("whoami");
  const myProfile = document.getElementById("my-profile");
  const signOutButton = document.getElementById("sign-out");
  const signedOut = document.getElementById("signed-out");
  const signInForm = document.getElementById("sign-in");
  const signUpForm = document.getElementById("sign-up");
  const unreachable = document.getElementById("unreachable");
  const retry = document.getElementById("retry");

  function showUser(me) {
    whoami.textContent = me
      ? `Signed in as ${me.name} (${me.email})${me.role === "admin" ? ", admin" : ""}`
      : "Not signed in";
    myProfile.hidden = !me;
    if (me) myProfile.href = profileUrl(me.name);
    signOutButton.hidden = !me;
    signedOut.hidden = Boolean(me);
    unreachable.hidden = true;
  }

  /** Trade email and password for a token, and keep only the token. */
  async function newToken(email, password) {
    const { data } = await api("POST", "/tokens", undefined, { credentials: { email, password } });
    sessionStorage.setItem(TOKEN_KEY, data.token);
    return data.user;
  }

  function signedIn(me) {
    showUser(me);
    onChange(me);
  }

  /** Find out whose token the tab keeps; a server that cannot say now is asked again later. */
  async function resume() {
    try {
      const { data } = await api("GET", "/users/me");
      signedIn(data);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401) return; // tokenRefused has signed the page out
      whoami.textContent = "Signed in";
      signOutButton.hidden = false;
      signedOut.hidden = true;
      unreachable.querySelector(".unreachable-text").textContent =
        `${error.message} You are still signed in.`;
      unreachable.hidden = false;
    }
  }

  const session = {
    async signIn(email, password) {
      signedIn(await newToken(email, password));
    },

    /** Log out: the API revokes the token (DELETE /tokens/current), and the tab forgets it. */
    async signOut() {
      const token = savedToken();
      session.forget();
      if (!token) return;
      try {
        await api("DELETE", "/tokens/current", undefined, { credentials: token });
      } catch (error) {
        // Already expired or revoked, or the server is away: the token is forgotten here,
        // and expires there.
        if (!(error instanceof ApiError)) throw error;
      }
    },

    /** Forget the token without asking the API (it no longer works, or its account is gone). */
    forget() {
      sessionStorage.removeItem(TOKEN_KEY);
      signedIn(null);
    },

    /**
     * Take in the signed-in user's own edit: new name, email or password. A new password
     * revoked every token of the account, this tab's too: sign in again with it.
     */
    async updated(me, password) {
      if (password) await newToken(me.email, password);
      showUser(me);
    },
  };
  tokenRefused = () => session.forget();

  signInForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const { email, password } = formValues(signInForm);
    run(signInForm, event.submitter, async () => {
      await session.signIn(email.trim(), password);
      signInForm.reset();
    });
  });

  signUpForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = formValues(signUpForm);
    run(signUpForm, event.submitter, async () => {
      await api("POST", "/users", values, { credentials: null });
      await session.signIn(values.email.trim(), values.password);
      signUpForm.reset();
    });
  });

  signOutButton.addEventListener("click", () => session.signOut());
  retry.addEventListener("click", async () => {
    retry.disabled = true;
    await resume();
    retry.disabled = false;
  });

  // Carry a sign-in over from another page of this tab.
  if (savedToken()) resume();
  else session.forget();
  return session;
}
