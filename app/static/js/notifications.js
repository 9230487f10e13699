// The navbar's bell: it asks /notifications/count for the unread count every data-poll-seconds, sending the last
// answer's ETag, so an unchanged count costs a 304 without a body. A hidden tab asks half as often each time, down
// to once every 20 intervals, and at once when it is shown again. Signed out (401), it stops asking.
(function () {
  "use strict";

  const bell = document.getElementById("notification-bell");
  if (!bell) {
    return;
  }
  const badge = bell.querySelector(".notification-count");
  const url = bell.dataset.countUrl;
  const interval = Number(bell.dataset.pollSeconds) * 1000;
  const longest = interval * 20;
  let etag = bell.dataset.etag || null;
  let delay = interval;
  let timer = null;
  let asking = false;
  let stopped = false;

  function show(count) {
    badge.textContent = count >= 100 ? "99+" : String(count);
    badge.classList.toggle("d-none", count === 0);
    // The labels come translated from the page (notifications/_bell.html).
    const unread = bell.dataset.labelUnread.replace("{count}", badge.textContent);
    bell.setAttribute("aria-label", count === 0 ? bell.dataset.labelNone : unread);
  }

  async function ask() {
    timer = null;
    asking = true;
    try {
      const headers = etag ? { "If-None-Match": etag } : {};
      const response = await fetch(url, { headers, cache: "no-store", credentials: "same-origin" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        show((await response.json()).unread);
      } else if (response.status === 401) {
        stopped = true;
      }
    } catch (error) {
      // The network or the server is away for a moment: the next turn asks again.
    } finally {
      asking = false;
    }
    schedule();
  }

  function schedule() {
    if (stopped) {
      return;
    }
    delay = document.hidden ? Math.min(delay * 2, longest) : interval;
    timer = window.setTimeout(ask, delay);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden || asking || stopped) {
      return;
    }
    window.clearTimeout(timer);
    ask();
  });
  schedule();
})();
