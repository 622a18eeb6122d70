// Kiosk mode of the public notice board: shows one slide at a time, moves on by itself
// and answers the previous/next buttons, arrow keys and swipes. It is configured by data
// attributes, so the page needs no inline script (a Content-Security-Policy forbids it):
//   data-kiosk                     the container, kept hidden until this script runs
//   data-kiosk-interval="15"       seconds each slide stays on screen
//   data-kiosk-slide               each slide
//   data-kiosk-prev, data-kiosk-next, data-kiosk-controls
//   data-kiosk-position            receives "3 / 12"
//   data-kiosk-progress            a bar that fills while a slide is shown
//   data-kiosk-reload="600"        seconds between reloads, so new pledges appear; put off
//                                  while someone has touched the screen in the last minute
(function () {
  "use strict";

  function start(root) {
    var slides = Array.prototype.slice.call(root.querySelectorAll("[data-kiosk-slide]"));
    var seconds = parseFloat(root.getAttribute("data-kiosk-interval")) || 15;
    var position = root.querySelector("[data-kiosk-position]");
    var progress = root.querySelector("[data-kiosk-progress]");
    var controls = root.querySelector("[data-kiosk-controls]");
    var current = 0;
    var timer = null;

    function restartProgress() {
      if (!progress) {
        return;
      }
      progress.classList.remove("running");
      void progress.offsetWidth; // a reflow restarts the CSS animation
      progress.style.animationDuration = seconds + "s";
      if (slides.length > 1) {
        progress.classList.add("running");
      }
    }

    // A slide with long commitments is set in smaller type until it fits the screen.
    function fit(slide) {
      var size = 100;
      slide.style.fontSize = "";
      while (slide.scrollHeight > slide.clientHeight + 1 && size > 50) {
        size -= 5;
        slide.style.fontSize = size + "%";
      }
    }

    function show(index) {
      current = (index + slides.length) % slides.length;
      slides.forEach(function (slide, i) {
        slide.hidden = i !== current;
      });
      fit(slides[current]);
      if (position) {
        position.textContent = current + 1 + " / " + slides.length;
      }
      restartProgress();
    }

    function schedule() {
      window.clearInterval(timer);
      if (slides.length > 1) {
        timer = window.setInterval(function () {
          show(current + 1);
        }, seconds * 1000);
      }
    }

    function step(delta) {
      show(current + delta);
      schedule(); // a touch gives the reader a full interval on the new slide
    }

    root.querySelector("[data-kiosk-prev]").addEventListener("click", function () {
      step(-1);
    });
    root.querySelector("[data-kiosk-next]").addEventListener("click", function () {
      step(1);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") {
        step(-1);
      } else if (event.key === "ArrowRight" || event.key === " ") {
        step(1);
      }
    });
    var touchX = null;
    root.addEventListener("pointerdown", function (event) {
      touchX = event.clientX;
    });
    root.addEventListener("pointerup", function (event) {
      if (touchX !== null && Math.abs(event.clientX - touchX) > 80) {
        step(event.clientX < touchX ? 1 : -1);
      }
      touchX = null;
    });

    if (controls && slides.length < 2) {
      controls.hidden = true;
    }
    document.body.classList.add("kiosk-running");
    root.hidden = false;
    window.addEventListener("resize", function () {
      if (slides.length) {
        fit(slides[current]);
      }
    });
    if (slides.length) {
      show(0);
      schedule();
    }
    reloadWhenIdle(parseFloat(root.getAttribute("data-kiosk-reload")));
  }

  // Unlike <meta http-equiv="refresh">, a reload never interrupts a reader.
  function reloadWhenIdle(seconds) {
    if (!(seconds > 0)) {
      return;
    }
    var lastTouch = 0;
    ["pointerdown", "keydown"].forEach(function (name) {
      document.addEventListener(name, function () {
        lastTouch = Date.now();
      });
    });
    window.setInterval(function () {
      if (Date.now() - lastTouch > 60 * 1000) {
        window.location.reload();
      }
    }, seconds * 1000);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-kiosk]"), start);
})();
