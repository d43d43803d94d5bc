/* The assistant page, progressive enhancement: without JavaScript the form posts and the page
 * re-renders the conversation. With it, the question goes to POST /api/v1/assistant/ and the answer
 * is appended to the log (text only, never HTML from the server), announced by the live region.
 * If the API cannot be reached the form is submitted the ordinary way.
 */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function hidden(text) {
    return el("span", "visually-hidden", text + " ");
  }

  function renderTurn(form, question, data) {
    var item = el("li", "chat__turn");
    var asked = el("div", "chat__question");
    asked.appendChild(hidden(form.dataset.youText));
    asked.appendChild(document.createTextNode(question));
    item.appendChild(asked);
    var answer = el("div", "chat__answer");
    var paragraph = el("p");
    paragraph.appendChild(hidden(form.dataset.botText));
    paragraph.appendChild(document.createTextNode(data.answer));
    answer.appendChild(paragraph);
    if (data.procedures && data.procedures.length) {
      var list = el("ul", "chat__cites");
      data.procedures.forEach(function (p) {
        var li = el("li");
        var link = el("a", "", p.name);
        link.href = p.url;
        li.appendChild(link);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "muted", "(" + p.code + ")"));
        li.appendChild(el("span", "chat__facts", form.dataset.timeText + ": " + p.time + " · " + form.dataset.feeText + ": " + p.fee));
        list.appendChild(li);
      });
      answer.appendChild(list);
    }
    if (data.faqs && data.faqs.length) {
      var faqs = el("ul", "chat__cites");
      data.faqs.forEach(function (f) {
        var li = el("li", "", form.dataset.faqText + ": ");
        var link = el("a", "", f.question);
        link.href = f.url || "#";
        li.appendChild(link);
        faqs.appendChild(li);
      });
      answer.appendChild(faqs);
    }
    if (data.follow_up) {
      var follow = el("p", "chat__follow-up");
      follow.appendChild(el("strong", "", data.follow_up));
      answer.appendChild(follow);
    }
    item.appendChild(answer);
    return item;
  }

  function init() {
    var form = document.querySelector("[data-assistant-form]");
    var log = document.querySelector("[data-chat-log]");
    if (!form || !log || !window.fetch) {
      return;
    }
    var textarea = form.querySelector("textarea[name=question]");
    var submitting = false;
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.name === "reset") {
        return;
      }
      var question = textarea.value.trim();
      if (!question || submitting) {
        return;
      }
      event.preventDefault();
      submitting = true;
      var status = el("li", "chat__turn muted", form.dataset.waitText);
      log.appendChild(status);
      fetch(form.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value
        },
        body: JSON.stringify({ question: question })
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (result) {
          status.remove();
          submitting = false;
          if (!result.ok) {
            var message = (result.data.error && result.data.error.message) || form.dataset.errorText;
            log.appendChild(el("li", "chat__turn form-error", message));
            return;
          }
          log.querySelectorAll(".chat__turn--hint").forEach(function (hint) {
            hint.remove();
          });
          log.appendChild(renderTurn(form, question, result.data));
          textarea.value = "";
          textarea.focus();
        })
        .catch(function () {
          status.remove();
          submitting = false;
          form.submit();
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
