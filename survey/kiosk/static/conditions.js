// Skip logic in the browser: a port of survey/questionnaires/conditions.py, checked against the same
// test vectors (tests/kiosk/condition_vectors.json) in pytest and in the browser. Python's rules are
// kept on purpose: True == 1, 1 == 1.0, lists compare item by item, an unanswered variable makes
// every comparison false and only `answered: false` true.
(function (root) {
  "use strict";

  function isNumberLike(value) {
    return typeof value === "number" || typeof value === "boolean";
  }

  function pyEquals(a, b) {
    if (a === null || b === null) return a === b;
    if (isNumberLike(a) && isNumberLike(b)) return Number(a) === Number(b);
    if (Array.isArray(a) || Array.isArray(b)) {
      return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
        a.every(function (item, i) { return pyEquals(item, b[i]); });
    }
    if (typeof a === "object" && typeof b === "object") {
      var keys = Object.keys(a);
      return keys.length === Object.keys(b).length &&
        keys.every(function (key) { return key in b && pyEquals(a[key], b[key]); });
    }
    return a === b;
  }

  function evaluate(condition, answers) {
    if (condition === null || condition === undefined) return true;
    if ("all" in condition) return condition.all.every(function (c) { return evaluate(c, answers); });
    if ("any" in condition) return condition.any.some(function (c) { return evaluate(c, answers); });
    if ("not" in condition) return !evaluate(condition.not, answers);
    var value = Object.prototype.hasOwnProperty.call(answers, condition.var) ? answers[condition.var] : null;
    if (value === undefined) value = null;
    var op = Object.keys(condition).filter(function (key) { return key !== "var"; })[0];
    var expected = condition[op];
    if (op === "answered") return pyEquals(value !== null, expected);
    if (value === null) return false;
    if (op === "equals") return pyEquals(value, expected);
    if (op === "not_equals") return !pyEquals(value, expected);
    if (op === "in") return expected.some(function (option) { return pyEquals(value, option); });
    if (op === "includes") {
      return Array.isArray(value) && value.some(function (item) { return pyEquals(item, expected); });
    }
    if (typeof value !== "number") return false;   // Python refuses bools here too
    var limit = Number(expected);
    return {gte: value >= limit, lte: value <= limit, gt: value > limit, lt: value < limit}[op];
  }

  root.Conditions = {evaluate: evaluate, pyEquals: pyEquals};
})(typeof self !== "undefined" ? self : this);
