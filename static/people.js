// People as the pages show them: a person's card (counts, Follow / Unfollow) and a person
// in a list of followers or followed. templates/profile_card.html holds the card's markup.
import { api, plural, profileUrl, run, showTime } from "./oz.js";

/**
 * Fill a profile card from GET /profiles/{name} and wire its Follow button.
 * viewer() is the signed-in user; onFollow(profile) runs after a follow or an unfollow.
 */
export function profileCard(card, viewer, onFollow = () => {}) {
  const follow = card.querySelector(".follow");
  let asked = 0;
  let shown = null;

  function fill(profile) {
    const me = viewer();
    card.querySelector(".profile-name").textContent = profile.name;
    showTime(card.querySelector(".profile-joined"), profile.created_at);
    card.querySelector(".profile-counts").textContent = [
      plural(profile.boards, "board"), plural(profile.followers, "follower"), `${profile.following} following`,
    ].join(" · ");
    card.querySelector(".profile-relation").textContent =
      profile.id === me.id ? "This is you." : profile.followed_by_me ? "You follow them." : "";
    follow.hidden = profile.id === me.id;
    follow.textContent = profile.followed_by_me ? "Unfollow" : "Follow";
  }

  const profileCard = {
    get shown() {
      return shown;
    },

    /** Empty the card but for the name, while the profile is on its way. */
    clear(name) {
      shown = null;
      follow.hidden = true;
      card.querySelector(".profile-name").textContent = name;
      for (const slot of card.querySelectorAll(".profile-joined, .profile-counts, .profile-relation")) {
        slot.textContent = "";
      }
    },

    /** Show the profile of the person named; resolve to it, or to null if another was asked for since. */
    async load(name) {
      const thisAsk = ++asked;
      const { data } = await api("GET", `/profiles/${encodeURIComponent(name)}`);
      if (thisAsk !== asked) return null;
      shown = data;
      fill(data);
      return data;
    },
  };

  follow.addEventListener("click", async () => {
    await run(card, follow, async () => {
      const method = shown.followed_by_me ? "DELETE" : "POST";
      await api(method, `/users/${shown.id}/follow`);
      // The counts come back from the API, exact, rather than guessed here.
      const profile = await profileCard.load(shown.name);
      if (profile) onFollow(profile);
    });
    // Disabled while it ran, the button lost the keyboard's focus: give it back.
    follow.focus();
  });
  return profileCard;
}

/** A person in a list: their name, leading to their profile page, and when they joined. */
export function renderPerson(person) {
  const item = document.getElementById("person-item").content.firstElementChild.cloneNode(true);
  item.dataset.userId = person.id;
  const link = item.querySelector(".person-name");
  link.textContent = person.name;
  link.href = profileUrl(person.name);
  const role = item.querySelector(".person-role");
  role.textContent = person.role;
  role.hidden = person.role !== "admin";
  showTime(item.querySelector(".person-joined"), person.created_at);
  return item;
}
