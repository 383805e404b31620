package dev.edgestack.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of a loaded configuration file, with typed accessors whose errors name the file, the
 * full key and what was expected. Deployables map nodes into immutable records once, at start-up.
 *
 * <p>Lists of strings may be written as YAML lists or as one comma-separated string, so that an
 * environment placeholder can supply a list.
 */
public final class ConfigNode {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  // Far beyond any sensible timeout or period, and safe from overflow in int milliseconds.
  private static final Duration LONGEST = Duration.ofDays(7);

  private final String source;
  private final String path;
  private final JsonNode node;

  ConfigNode(String source, String path, JsonNode node) {
    this.source = source;
    this.path = path;
    this.node = node;
  }

  /** The file this node was read from. */
  public String source() {
    return source;
  }

  /** The key path of this node inside the file, empty for the top level. */
  public String path() {
    return path;
  }

  /** The full key path of {@code key} in this node, as used in messages. */
  public String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** An error about {@code key} of this node: {@code file: path.key: value (expected: ...)}. */
  public ConfigException error(String key, Object value, String expected) {
    String shown = value == null ? "missing" : "\"" + value + "\"";
    return new ConfigException(
        source + ": " + keyPath(key) + ": " + shown + " (expected: " + expected + ")");
  }

  /** Fails on any key not in {@code allowed}, which catches misspelt keys at start-up. */
  public ConfigNode requireOnly(String... allowed) {
    List<String> known = Arrays.asList(allowed);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new ConfigException(
            source
                + ": "
                + keyPath(name)
                + ": unknown key (expected one of: "
                + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
    return this;
  }

  public boolean has(String key) {
    JsonNode value = node.get(key);
    return value != null && !value.isNull();
  }

  public String string(String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull() || value.isContainerNode()) {
      throw error(key, value == null || value.isNull() ? null : value, "a string");
    }
    String text = value.asText();
    if (text.isBlank()) {
      throw error(key, text, "a non-empty string");
    }
    return text;
  }

  public String string(String key, String defaultValue) {
    return has(key) ? string(key) : defaultValue;
  }

  public int integer(String key, int min, int max) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw error(key, null, "an integer from " + min + " to " + max);
    }
    long number;
    if (value.isIntegralNumber()) {
      number = value.asLong();
    } else if (value.isTextual() && value.asText().trim().matches("-?\\d{1,18}")) {
      number = Long.parseLong(value.asText().trim());
    } else {
      throw error(key, value.asText(), "an integer from " + min + " to " + max);
    }
    if (number < min || number > max) {
      throw error(key, number, "an integer from " + min + " to " + max);
    }
    return (int) number;
  }

  public int integer(String key, int defaultValue, int min, int max) {
    return has(key) ? integer(key, min, max) : defaultValue;
  }

  public double decimal(String key, double defaultValue, double min, double max) {
    if (!has(key)) {
      return defaultValue;
    }
    JsonNode value = node.get(key);
    double number;
    try {
      number = value.isNumber() ? value.asDouble() : Double.parseDouble(value.asText().trim());
    } catch (NumberFormatException e) {
      throw error(key, value.asText(), "a number from " + min + " to " + max);
    }
    if (!(number >= min && number <= max)) {
      throw error(key, number, "a number from " + min + " to " + max);
    }
    return number;
  }

  public boolean bool(String key, boolean defaultValue) {
    if (!has(key)) {
      return defaultValue;
    }
    JsonNode value = node.get(key);
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    String text = value.asText().trim();
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    throw error(key, text, "true or false");
  }

  /** A duration such as {@code 250ms}, {@code 2s}, {@code 1m}, {@code 1h}; at least {@code min}. */
  public Duration duration(String key, Duration min) {
    JsonNode value = node.get(key);
    String expected = "a duration from " + format(min) + " to 7d such as 500ms, 2s, 1m or 1h";
    if (value == null || value.isNull() || value.isContainerNode()) {
      throw error(key, null, expected);
    }
    Matcher matcher = DURATION.matcher(value.asText().trim());
    if (!matcher.matches()) {
      throw error(key, value.asText(), expected);
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration duration =
        switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    if (duration.compareTo(min) < 0 || duration.compareTo(LONGEST) > 0) {
      throw error(key, value.asText(), expected);
    }
    return duration;
  }

  public Duration duration(String key, Duration defaultValue, Duration min) {
    return has(key) ? duration(key, min) : defaultValue;
  }

  private static String format(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + "s"
        : duration.toMillis() + "ms";
  }

  /**
   * An enum written in lower kebab case ({@code round-robin} for {@code ROUND_ROBIN}); the message
   * lists the accepted spellings.
   */
  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    if (!has(key)) {
      if (defaultValue == null) {
        throw error(key, null, "one of " + spellings(type));
      }
      return defaultValue;
    }
    String text = node.get(key).asText().trim();
    for (E constant : type.getEnumConstants()) {
      if (spelling(constant).equals(text)) {
        return constant;
      }
    }
    throw error(key, text, "one of " + spellings(type));
  }

  /** How an enum constant is written in config files. */
  public static String spelling(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static <E extends Enum<E>> String spellings(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(spelling(constant));
    }
    return String.join(", ", names);
  }

  /** A required nested mapping. */
  public ConfigNode object(String key) {
    return optionalObject(key).orElseThrow(() -> error(key, null, "a mapping"));
  }

  public Optional<ConfigNode> optionalObject(String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw error(key, value.asText(), "a mapping");
    }
    return Optional.of(new ConfigNode(source, keyPath(key), value));
  }

  /** A nested mapping, or an empty one when absent, so that defaults apply to all its keys. */
  public ConfigNode objectOrEmpty(String key) {
    return optionalObject(key)
        .orElseGet(
            () ->
                new ConfigNode(
                    source,
                    keyPath(key),
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()));
  }

  /**
   * The value of {@code key} as JSON text, whatever its type (a literal passed through as it is,
   * such as a fallback document); empty when absent or null.
   */
  public Optional<String> json(String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.toString());
  }

  /** A list of mappings; empty when the key is absent. */
  public List<ConfigNode> objects(String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw error(key, value.asText(), "a list of mappings");
    }
    List<ConfigNode> items = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      String itemPath = keyPath(key) + "[" + i + "]";
      if (!item.isObject()) {
        throw new ConfigException(
            source + ": " + itemPath + ": \"" + item.asText() + "\" (expected: a mapping)");
      }
      items.add(new ConfigNode(source, itemPath, item));
    }
    return List.copyOf(items);
  }

  /** The entries of a mapping whose values are mappings, in file order. */
  public Map<String, ConfigNode> objectEntries(String key) {
    Map<String, ConfigNode> entries = new LinkedHashMap<>();
    Optional<ConfigNode> mapping = optionalObject(key);
    if (mapping.isEmpty()) {
      return entries;
    }
    ConfigNode parent = mapping.get();
    for (Iterator<Map.Entry<String, JsonNode>> it = parent.node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isObject()) {
        throw parent.error(entry.getKey(), entry.getValue().asText(), "a mapping");
      }
      entries.put(
          entry.getKey(), new ConfigNode(source, parent.keyPath(entry.getKey()), entry.getValue()));
    }
    return entries;
  }

  /** A mapping of strings to strings; empty when absent. */
  public Map<String, String> stringMap(String key) {
    Map<String, String> entries = new LinkedHashMap<>();
    Optional<ConfigNode> mapping = optionalObject(key);
    if (mapping.isEmpty()) {
      return entries;
    }
    ConfigNode parent = mapping.get();
    for (Iterator<Map.Entry<String, JsonNode>> it = parent.node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getValue().isContainerNode()) {
        throw parent.error(entry.getKey(), entry.getValue().toString(), "a string");
      }
      entries.put(entry.getKey(), entry.getValue().isNull() ? "" : entry.getValue().asText());
    }
    return entries;
  }

  /** A list of strings, written as a YAML list or one comma-separated string; empty when absent. */
  public List<String> strings(String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        if (item.isContainerNode() || item.isNull() || item.asText().isBlank()) {
          throw new ConfigException(
              source + ": " + keyPath(key) + "[" + i + "]: " + item + " (expected: a string)");
        }
        items.add(item.asText().trim());
      }
    } else if (value.isContainerNode()) {
      throw error(key, value.toString(), "a list of strings or a comma-separated string");
    } else {
      for (String part : value.asText().split(",")) {
        if (!part.isBlank()) {
          items.add(part.trim());
        }
      }
    }
    return List.copyOf(items);
  }
}
