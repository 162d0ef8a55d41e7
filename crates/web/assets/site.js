// Tidings: what a page does with JavaScript on. Every page works without it; this only adds
// times in the reader's own time zone and keyboard shortcuts (press ? for the list).
"use strict";

(function () {
  // Times the page writes in UTC, shown in the reader's time zone (the UTC text stays as a tooltip).
  var format = new Intl.DateTimeFormat(undefined, {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  document.querySelectorAll("time.local[datetime]").forEach(function (t) {
    var when = new Date(t.getAttribute("datetime"));
    if (isNaN(when.getTime())) return;
    t.title = t.textContent;
    t.textContent = format.format(when);
  });

  var KEYS = [
    ["j", "next item"],
    ["k", "previous item"],
    ["o", "open the item (on an article: the original)"],
    ["s", "star or unstar the article"],
    ["m", "mark the article read or unread"],
    ["/", "search"],
    ["?", "show or hide these shortcuts"]
  ];
  var current = -1;

  function items() {
    return Array.prototype.slice.call(
      document.querySelectorAll("main .stories > li, main .articles > li, main .timeline > li, main .results > li"));
  }

  function move(step) {
    var list = items();
    if (list.length === 0) return;
    if (current >= 0 && current < list.length) list[current].classList.remove("current");
    current = Math.max(0, Math.min(list.length - 1, current + step));
    var item = list[current];
    item.classList.add("current");
    var link = item.querySelector("a[href]");
    if (link) link.focus();
    item.scrollIntoView({ block: "nearest" });
  }

  function open() {
    var list = items();
    var link = current >= 0 && current < list.length ? list[current].querySelector("a[href]") : null;
    link = link || document.querySelector("article.reader .original a[href]");
    if (link) window.location.href = link.href;
  }

  // The reader's own form (reader_controls.html): submitted as if its button were pressed.
  function press(values) {
    var form = document.querySelector(".reader-controls form");
    if (!form) return;
    for (var i = 0; i < values.length; i++) {
      var button = form.querySelector('button[value="' + values[i] + '"]');
      if (button) {
        form.requestSubmit(button);
        return;
      }
    }
  }

  var help = null;
  function toggleHelp() {
    if (!help) {
      help = document.createElement("dialog");
      help.id = "keyboard-help";
      help.setAttribute("aria-labelledby", "keyboard-help-title");
      var title = document.createElement("h2");
      title.id = "keyboard-help-title";
      title.textContent = "Keyboard shortcuts";
      help.appendChild(title);
      var dl = document.createElement("dl");
      KEYS.forEach(function (k) {
        var dt = document.createElement("dt");
        var kbd = document.createElement("kbd");
        kbd.textContent = k[0];
        dt.appendChild(kbd);
        var dd = document.createElement("dd");
        dd.textContent = k[1];
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
      help.appendChild(dl);
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.addEventListener("click", function () { help.close(); });
      help.appendChild(close);
      document.body.appendChild(help);
    }
    if (help.open) help.close(); else help.showModal();
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var target = e.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (help && help.open && e.key !== "?") return;
    switch (e.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": open(); break;
      case "s": press(["star", "unstar"]); break;
      case "m": press(["read", "unread"]); break;
      case "/": {
        var search = document.getElementById("site-search");
        if (!search) return;
        search.focus();
        break;
      }
      case "?": toggleHelp(); break;
      default: return;
    }
    e.preventDefault();
  });
})();
