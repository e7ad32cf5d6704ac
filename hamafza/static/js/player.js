/* Hamafza's live player.
 *
 * Each [data-hz-player] holds a JSON <script> (written by broadcast/presenters.py):
 *   video            master playlist of the video renditions (what hls.js plays)
 *   audio            the audio-only rendition's own playlist: audio mode loads it
 *                    directly, because hls.js hides audio-only variants of a master
 *   native           every rendition, for browsers with HLS built in (Safari)
 *   hasVideo         false for a sound-only broadcast: audio mode only
 *   heartbeatUrl, heartbeatSeconds, messages
 *
 * hls.js plays where MediaSource exists; elsewhere the browser's own HLS does.
 * While the media plays, the player tells the server every heartbeatSeconds that
 * this viewer is watching; the viewer is a random id kept in sessionStorage, so a
 * tab is one viewer however often it reloads. The server answers 404/410 when the
 * broadcast is gone or over, and the player stops.
 */
(function () {
  "use strict";

  var VIEWER_KEY = "hamafza-viewer";
  var MODE_KEY = "hamafza-player-mode";
  var RETRY_MS = 3000;
  var RETRY_MAX_MS = 30000;
  var DIGITS = {
    fa: "۰۱۲۳۴۵۶۷۸۹",
    ur: "۰۱۲۳۴۵۶۷۸۹",
    ar: "٠١٢٣٤٥٦٧٨٩",
  };
  var memoryViewer = "";

  function storageGet(key) {
    try {
      return window.sessionStorage.getItem(key) || "";
    } catch (error) {
      return ""; // storage blocked (a third-party iframe, private mode)
    }
  }

  function storageSet(key, value) {
    try {
      window.sessionStorage.setItem(key, value);
    } catch (error) {
      /* the value lives as long as the page */
    }
  }

  function randomHex(bytes) {
    var buffer = new Uint8Array(bytes);
    window.crypto.getRandomValues(buffer);
    return Array.prototype.map
      .call(buffer, function (b) {
        return (b + 256).toString(16).slice(1);
      })
      .join("");
  }

  function viewerId() {
    var id = storageGet(VIEWER_KEY) || memoryViewer;
    if (!/^[0-9a-f]{32}$/.test(id)) {
      id = randomHex(16);
      storageSet(VIEWER_KEY, id);
    }
    memoryViewer = id;
    return id;
  }

  function localDigits(number) {
    var language = (document.documentElement.lang || "").split("-")[0];
    var digits = DIGITS[language];
    var text = String(number);
    if (!digits) {
      return text;
    }
    return text.replace(/[0-9]/g, function (d) {
      return digits.charAt(Number(d));
    });
  }

  function Player(root) {
    var self = this;
    this.root = root;
    this.config = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
    this.media = root.querySelector("[data-hz-media]");
    this.statusLine = root.querySelector("[data-hz-status]");
    this.viewersLine = root.querySelector("[data-hz-viewers]");
    this.hls = null;
    this.engine = "";
    this.retryTimer = null;
    this.retries = 0;
    this.heartbeatTimer = null;
    this.heartbeats = 0;
    this.stopped = false;
    var stored = storageGet(MODE_KEY);
    this.mode = this.config.hasVideo && stored !== "audio" ? "video" : "audio";

    Array.prototype.forEach.call(root.querySelectorAll("[data-hz-mode]"), function (input) {
      input.checked = input.value === self.mode;
      input.addEventListener("change", function () {
        if (input.checked) {
          self.switchTo(input.value);
        }
      });
    });
    this.media.addEventListener("playing", function () {
      self.retries = 0;
      self.say("");
      self.heartbeatStart();
    });
    this.media.addEventListener("error", function () {
      if (self.engine === "native") {
        self.retry();
      }
    });
    this.load();
  }

  Player.prototype.say = function (text) {
    if (this.statusLine) {
      this.statusLine.textContent = text || "";
    }
  };

  Player.prototype.url = function () {
    if (this.mode === "audio") {
      return this.config.audio;
    }
    return this.engine === "native" ? this.config.native : this.config.video;
  };

  Player.prototype.switchTo = function (mode) {
    if (mode === this.mode || (mode === "video" && !this.config.hasVideo)) {
      return;
    }
    this.mode = mode;
    storageSet(MODE_KEY, mode);
    this.retries = 0;
    this.load();
  };

  Player.prototype.load = function () {
    window.clearTimeout(this.retryTimer);
    if (this.stopped) {
      return;
    }
    this.root.setAttribute("data-mode", this.mode);
    if (window.Hls && window.Hls.isSupported()) {
      this.engine = "hls.js";
      this.loadHls();
    } else if (this.media.canPlayType("application/vnd.apple.mpegurl")) {
      this.engine = "native";
      this.media.src = this.url();
      this.play();
    } else {
      this.engine = "none";
      this.say(this.config.messages.unsupported);
    }
    this.root.setAttribute("data-engine", this.engine);
  };

  Player.prototype.loadHls = function () {
    var self = this;
    var Hls = window.Hls;
    if (this.hls) {
      this.hls.destroy();
    }
    // Play two segments behind the live edge (hls.js defaults to three), speed
    // up to 1.2x to catch up after a stall, and jump forward when more than six
    // behind: latency measured in bench/bench_broadcast.py.
    var hls = new Hls({
      liveSyncDurationCount: 2,
      maxLiveSyncPlaybackRate: 1.2,
      liveMaxLatencyDurationCount: 6,
      manifestLoadingMaxRetry: 2,
    });
    this.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, function () {
      self.play();
    });
    hls.on(Hls.Events.ERROR, function (event, data) {
      if (!data.fatal || hls !== self.hls) {
        return;
      }
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      self.retry(); // the playlist is not there yet, or the network dropped: try again
    });
    hls.loadSource(this.url());
    hls.attachMedia(this.media);
  };

  Player.prototype.retry = function () {
    var self = this;
    if (this.stopped) {
      return;
    }
    this.say(this.config.messages.waiting);
    this.retries += 1;
    var wait = Math.min(RETRY_MS * this.retries, RETRY_MAX_MS);
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(function () {
      self.load();
    }, wait);
  };

  Player.prototype.play = function () {
    var self = this;
    var started = this.media.play();
    if (started && started.catch) {
      started.catch(function () {
        self.say(self.config.messages.pressPlay); // the browser wants a click first
      });
    }
  };

  Player.prototype.heartbeatStart = function () {
    var self = this;
    if (this.heartbeatTimer || this.stopped) {
      return;
    }
    this.beat();
    this.heartbeatTimer = window.setInterval(function () {
      if (!self.media.paused) {
        self.beat();
      }
    }, Math.max(1, this.config.heartbeatSeconds) * 1000);
  };

  Player.prototype.stop = function (message) {
    this.stopped = true;
    window.clearInterval(this.heartbeatTimer);
    window.clearTimeout(this.retryTimer);
    this.say(message);
  };

  Player.prototype.beat = function () {
    var self = this;
    window
      .fetch(this.config.heartbeatUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ viewer: viewerId() }),
        credentials: "same-origin",
        keepalive: true,
      })
      .then(function (response) {
        if (response.status === 404 || response.status === 410) {
          self.stop(self.config.messages.ended);
          return null;
        }
        if (response.status === 403) {
          self.stop(self.config.messages.forbidden);
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        self.heartbeats += 1;
        self.root.setAttribute("data-heartbeats", String(self.heartbeats));
        if (typeof data.viewers === "number" && self.viewersLine) {
          self.viewersLine.textContent = localDigits(data.viewers);
        }
      })
      .catch(function () {
        /* offline for a moment: the next beat tries again */
      });
  };

  /* An archive recording counts a play the first time it starts on a page. */
  function archivePlays() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-hz-play-url]"), function (media) {
      media.addEventListener(
        "play",
        function () {
          window
            .fetch(media.getAttribute("data-hz-play-url"), {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ viewer: viewerId() }),
              credentials: "same-origin"
            })
            .catch(function () {
              /* a play not counted is not worth an error */
            });
        },
        { once: true }
      );
    });
  }

  function start() {
    if (window.hamafzaPlayers) {
      return; /* the script is on the page twice */
    }
    archivePlays();
    window.hamafzaPlayers = Array.prototype.map.call(
      document.querySelectorAll("[data-hz-player]"),
      function (root) {
        return new Player(root);
      }
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
