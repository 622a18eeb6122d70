// The job page (templates/jobs/job_detail.html): poll the job's status.json, move the
// progress bar, and reload the page once the job is done or failed, so the server renders
// the download link or the error and the retry button. No inline script: CSP-safe.
(function () {
  var box = document.getElementById("job");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-bar");
  var meter = document.getElementById("job-progress");
  var label = document.getElementById("job-status");
  var count = document.getElementById("job-count");
  var finished = { done: true, failed: true };
  var interval = 1500;

  function show(data) {
    bar.style.width = data.percent + "%";
    meter.setAttribute("aria-valuenow", String(data.percent));
    label.textContent = data.status_label;
    count.textContent = data.percent + " %";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (finished[data.status]) {
          window.location.reload();
        } else {
          window.setTimeout(poll, interval);
        }
      })
      .catch(function () {
        // A network hiccup: try again, more slowly.
        window.setTimeout(poll, interval * 4);
      });
  }

  bar.style.width = meter.getAttribute("aria-valuenow") + "%";
  if (!finished[box.getAttribute("data-status")]) {
    window.setTimeout(poll, interval);
  }
})();
