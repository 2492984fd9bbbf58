"use strict";
// Up and down arrows next to the number of each saved point on the session page. A click
// swaps the number with the neighbouring point and moves the row; the order is saved with
// the form. The labels come from the input's data attributes (translated server-side).
(function () {
    const POSITION = "input.agenda-order-position";
    const ROW = "tr.form-row.has_original";

    function neighbour(row, step) {
        let other = step < 0 ? row.previousElementSibling : row.nextElementSibling;
        while (other && !(other.matches(ROW) && other.querySelector(POSITION))) {
            other = step < 0 ? other.previousElementSibling : other.nextElementSibling;
        }
        return other;
    }

    function move(button) {
        const row = button.closest(ROW);
        const step = Number(button.dataset.step);
        const other = row && neighbour(row, step);
        if (!other) {
            return;
        }
        const mine = row.querySelector(POSITION);
        const theirs = other.querySelector(POSITION);
        [mine.value, theirs.value] = [theirs.value, mine.value];
        if (step < 0) {
            other.before(row);
        } else {
            other.after(row);
        }
        button.focus();
    }

    function addButtons(input) {
        for (const [step, symbol, label] of [
            [-1, "↑", input.dataset.labelUp],
            [1, "↓", input.dataset.labelDown],
        ]) {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "agenda-order-button";
            button.dataset.step = String(step);
            button.textContent = symbol;
            button.title = label;
            button.setAttribute("aria-label", label);
            input.parentElement.append(button);
        }
    }

    document.addEventListener("DOMContentLoaded", function () {
        // Only saved points move: new rows keep their place (Django renumbers their inputs).
        document.querySelectorAll(ROW + " " + POSITION).forEach(addButtons);
    });

    document.addEventListener("click", function (event) {
        const button = event.target.closest("button.agenda-order-button");
        if (button) {
            move(button);
        }
    });
})();
