package dev.edgestack.gateway.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path (and optional fixed query) a route sends upstream, such as {@code /accounts/{id}} or
 * {@code /rates?base=EUR}. Variables come from the route's {@link PathTemplate} (or, in a
 * composition, {@code {part.field}} from an earlier part's answer) and are percent-encoded when
 * substituted; the client's query string is appended to the fixed one.
 */
public final class UpstreamTemplate {
  // {name} from the route path, or {part.field.path} from an earlier part of a composition.
  private static final Pattern VARIABLE =
      Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*|[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)+)}");
  private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");
  private static final Pattern QUERY_CHARS = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*");

  private final String text;
  private final List<String> pathParts;
  private final List<Boolean> variableAt;
  private final List<String> variables;
  private final String query;

  private UpstreamTemplate(
      String text, List<String> pathParts, List<Boolean> variableAt, String query) {
    this.text = text;
    this.pathParts = List.copyOf(pathParts);
    this.variableAt = List.copyOf(variableAt);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < pathParts.size(); i++) {
      if (variableAt.get(i)) {
        names.add(pathParts.get(i));
      }
    }
    this.variables = List.copyOf(names);
    this.query = query;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static UpstreamTemplate parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.startsWith("/")) {
      throw new IllegalArgumentException("must start with /");
    }
    int question = text.indexOf('?');
    String path = question < 0 ? text : text.substring(0, question);
    String query = question < 0 ? "" : text.substring(question + 1);
    if (!QUERY_CHARS.matcher(query).matches()) {
      throw new IllegalArgumentException("the query may hold only URI query characters, no {name}");
    }
    List<String> parts = new ArrayList<>();
    List<Boolean> variableAt = new ArrayList<>();
    Matcher matcher = VARIABLE.matcher(path);
    int last = 0;
    while (matcher.find()) {
      addLiteral(path.substring(last, matcher.start()), parts, variableAt);
      parts.add(matcher.group(1));
      variableAt.add(true);
      last = matcher.end();
    }
    addLiteral(path.substring(last), parts, variableAt);
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("dot segment " + segment);
      }
    }
    return new UpstreamTemplate(text, parts, variableAt, query);
  }

  private static void addLiteral(String literal, List<String> parts, List<Boolean> variableAt) {
    if (literal.isEmpty()) {
      return;
    }
    if (!PATH_CHARS.matcher(literal).matches()) {
      throw new IllegalArgumentException(
          "\"" + literal + "\" is not a URI path (a variable is written {name})");
    }
    parts.add(literal);
    variableAt.add(false);
  }

  public String text() {
    return text;
  }

  /** Names of the variables used, in order. */
  public List<String> variables() {
    return variables;
  }

  /**
   * The upstream URI: variables substituted from {@code values} (decoded values, encoded here) and
   * {@code clientQuery} (raw, may be null or empty) appended to the template's own query. A decoded
   * {@link PathTemplate#REMAINDER} (segments joined by {@code /}) is appended to the path.
   */
  public String expand(Map<String, String> values, String clientQuery) {
    StringBuilder uri = new StringBuilder();
    for (int i = 0; i < pathParts.size(); i++) {
      if (variableAt.get(i)) {
        String value = values.get(pathParts.get(i));
        if (value == null) {
          throw new IllegalArgumentException("no value for {" + pathParts.get(i) + "}");
        }
        uri.append(PathSegments.encode(value));
      } else {
        uri.append(pathParts.get(i));
      }
    }
    String remainder = values.get(PathTemplate.REMAINDER);
    if (remainder != null && !remainder.isEmpty()) {
      // A prefix route's remainder follows the upstream path: "/" strips the prefix entirely.
      if (uri.length() == 0 || uri.charAt(uri.length() - 1) != '/') {
        uri.append('/');
      }
      String[] segments = remainder.split("/", -1);
      for (int i = 0; i < segments.length; i++) {
        uri.append(i == 0 ? "" : "/").append(PathSegments.encode(segments[i]));
      }
    }
    boolean hasClientQuery = clientQuery != null && !clientQuery.isEmpty();
    if (!query.isEmpty() || hasClientQuery) {
      uri.append('?').append(query);
      if (!query.isEmpty() && hasClientQuery) {
        uri.append('&');
      }
      if (hasClientQuery) {
        uri.append(clientQuery);
      }
    }
    return uri.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
