// What every oz page shares: calling the API as the signed-in person, showing its errors,
// and the sign-in, sign-up and sign-out controls.
// User content only ever goes into the page through textContent, never as HTML.
// Signing in trades the password for a token (POST /tokens); the tab keeps only the token,
// in sessionStorage, and never the password.

const TOKEN_KEY = "oz.token";

/** An API answer that was not a success, carrying its JSON message and field errors. */
class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `The server answered with status ${status}.`);
    this.status = status;
    const errors = (body && body.errors) || {};
    this.fields = { ...errors.query, ...errors.json };
  }
}

/** The token this tab signed in with, or null. */
function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

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
 */
export async function api(method, url, body, credentials = savedToken()) {
  // X-Requested-With asks the API to leave WWW-Authenticate out of its 401, so the browser
  // shows no Basic-auth dialog of its own and the page shows the message instead.
  const headers = { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" };
  if (credentials) headers.Authorization = authorization(credentials);
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
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, response };
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

function clearErrors(box) {
  for (const slot of box.querySelectorAll(":scope > .form-error, :scope > .field-error")) {
    slot.textContent = "";
  }
}

/** Put an ApiError's message in the box, and each field's errors next to its input. */
function showError(box, error) {
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

/** Arm a delete button: it asks on the page (no browser dialog) before calling action. */
export function confirmDelete(item, question, action) {
  const deleteButton = item.querySelector(".delete");
  const confirm = item.querySelector(".confirm");
  const yes = confirm.querySelector(".confirm-yes");
  confirm.querySelector(".confirm-text").textContent = question;
  const ask = (asking) => {
    confirm.hidden = !asking;
    deleteButton.hidden = asking;
  };
  deleteButton.addEventListener("click", () => ask(true));
  confirm.querySelector(".confirm-no").addEventListener("click", () => ask(false));
  yes.addEventListener("click", () => run(item, yes, async () => {
    ask(false);
    await action();
  }));
}

/**
 * Wire the header and the sign-in and sign-up forms of the page.
 * onChange(me) runs with the signed-in user, or null, whenever that changes.
 */
export function startSession(onChange) {
  const whoami = document.getElementById("whoami");
  const signOutButton = document.getElementById("sign-out");
  const signedOut = document.getElementById("signed-out");
  const signInForm = document.getElementById("sign-in");
  const signUpForm = document.getElementById("sign-up");

  function showUser(me) {
    whoami.textContent = me
      ? `Signed in as ${me.name} (${me.email})${me.role === "admin" ? ", admin" : ""}`
      : "Not signed in";
    signOutButton.hidden = !me;
    signedOut.hidden = Boolean(me);
  }

  /** Trade email and password for a token, and keep only the token. */
  async function newToken(email, password) {
    const { data } = await api("POST", "/tokens", undefined, { email, password });
    sessionStorage.setItem(TOKEN_KEY, data.token);
    return data.user;
  }

  function signedIn(me) {
    showUser(me);
    onChange(me);
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
        await api("DELETE", "/tokens/current", undefined, token);
      } catch (error) {
        // Already expired or revoked: it is as signed out as it can be.
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
      await api("POST", "/users", values, null);
      await session.signIn(values.email.trim(), values.password);
      signUpForm.reset();
    });
  });

  signOutButton.addEventListener("click", () => session.signOut());

  // Carry a sign-in over from another page of this tab; forget it if it no longer works.
  if (savedToken()) {
    api("GET", "/users/me").then(({ data }) => signedIn(data), (error) => {
      if (!(error instanceof ApiError)) throw error;
      session.forget();
    });
  } else {
    session.forget();
  }
  return session;
}
