// The export page: while the export runs, ask for its status every second and move the progress bar on; when it is
// done, show the download link, and when it failed, say so and offer to start again.
(function () {
  "use strict";

  const box = document.getElementById("export");
  if (!box) {
    return;
  }
  const bar = document.getElementById("export-progress");
  const download = document.getElementById("export-download");
  const running = ["pending", "running"];

  function section(name) {
    return box.querySelector(`.export-${name}`);
  }

  function show(state) {
    const active = running.includes(state.status);
    section("running").classList.toggle("d-none", !active);
    section("done").classList.toggle("d-none", state.status !== "done");
    section("failed").classList.toggle("d-none", state.status !== "failed");
    section("start").classList.toggle("d-none", active);
    bar.style.width = `${state.progress}%`;
    bar.textContent = `${state.progress}%`;
    bar.parentElement.setAttribute("aria-valuenow", String(state.progress));
    if (state.download_url) {
      download.href = state.download_url;
    }
    return active;
  }

  async function ask() {
    let again = true;
    try {
      const response = await fetch(box.dataset.statusUrl, { cache: "no-store", credentials: "same-origin" });
      if (response.ok) {
        again = show(await response.json());
      }
    } catch (error) {
      // Asked again below.
    }
    if (again) {
      window.setTimeout(ask, 1000);
    }
  }

  if (running.includes(box.dataset.status)) {
    window.setTimeout(ask, 1000);
  }
})();
