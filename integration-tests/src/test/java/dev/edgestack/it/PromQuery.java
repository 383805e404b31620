package dev.edgestack.it;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric and label names a PromQL expression of the dashboard uses, read well enough for the
 * dashboard's own queries: selectors {@code name{label="v"}}, bare names, {@code by (...)} and
 * {@code without (...)} groupings, functions and aggregations, and Grafana's {@code $__...}
 * interval variables.
 *
 * @param metrics every metric name the expression selects
 * @param selectorLabels label names used in a selector, as {@code metric/label}
 * @param groupingLabels label names used in {@code by}, {@code without}, {@code on} or {@code
 *     ignoring}
 */
record PromQuery(
    String expression,
    Set<String> metrics,
    Set<String> selectorLabels,
    Set<String> groupingLabels) {
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern SELECTOR =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset");

  static PromQuery parse(String expression) {
    String text = expression.replaceAll("\\$\\{?__[a-z_]+}?", "1m");
    Set<String> metrics = new TreeSet<>();
    Set<String> selectorLabels = new TreeSet<>();
    Set<String> groupingLabels = new TreeSet<>();

    Matcher selector = SELECTOR.matcher(text);
    while (selector.find()) {
      metrics.add(selector.group(1));
      Matcher matcher = MATCHER.matcher(STRING.matcher(selector.group(2)).replaceAll("\"\""));
      while (matcher.find()) {
        selectorLabels.add(selector.group(1) + "/" + matcher.group(1));
      }
    }
    String rest = STRING.matcher(text).replaceAll(" ");
    Matcher grouping = GROUPING.matcher(rest);
    while (grouping.find()) {
      for (String label : grouping.group(2).split(",")) {
        if (!label.isBlank()) {
          groupingLabels.add(label.strip());
        }
      }
    }
    rest = GROUPING.matcher(rest).replaceAll(" ");
    rest = rest.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
    Matcher identifier = IDENTIFIER.matcher(rest);
    while (identifier.find()) {
      String name = identifier.group();
      boolean function = rest.substring(identifier.end()).stripLeading().startsWith("(");
      boolean number =
          identifier.start() > 0 && Character.isDigit(rest.charAt(identifier.start() - 1));
      if (!function && !number && !KEYWORDS.contains(name)) {
        metrics.add(name);
      }
    }
    return new PromQuery(expression, metrics, selectorLabels, groupingLabels);
  }
}
