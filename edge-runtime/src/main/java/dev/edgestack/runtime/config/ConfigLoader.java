package dev.edgestack.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a YAML configuration file and resolves environment placeholders in its string values.
 *
 * <p>A value may contain {@code ${NAME}} (the variable must be set) or {@code ${NAME:-default}}
 * (the default is used when the variable is unset or empty). This is how containers and the
 * launcher give each instance its ports and peers while sharing one file per role. A value that is
 * exactly one placeholder and resolves to a number or boolean is typed as such.
 */
public final class ConfigLoader {
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  // A key written twice is a mistake whose second value would silently win.
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  private final Function<String, String> environment;

  private ConfigLoader(Function<String, String> environment) {
    this.environment = environment;
  }

  /** A loader that resolves placeholders from the process environment. */
  public static ConfigLoader fromEnvironment() {
    return new ConfigLoader(System::getenv);
  }

  /** A loader that resolves placeholders from the given map (tests, the launcher). */
  public static ConfigLoader withVariables(Map<String, String> variables) {
    Objects.requireNonNull(variables, "variables");
    return new ConfigLoader(variables::get);
  }

  /** Loads {@code file}; every failure is a {@link ConfigException} naming the file. */
  public ConfigNode load(Path file) {
    Objects.requireNonNull(file, "file");
    String source = file.toString();
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(source + ": file not found (expected: a readable YAML file)");
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot be read (" + e.getMessage() + ")", e);
    }
    return parse(source, text);
  }

  /** Parses YAML text; {@code source} names it in error messages. */
  public ConfigNode parse(String source, String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new ConfigException(
          source + ": not valid YAML" + where + " (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = JsonNodeFactory.instance.objectNode();
    }
    if (!root.isObject()) {
      throw new ConfigException(
          source + ": top level is " + root.getNodeType() + " (expected: a mapping)");
    }
    return new ConfigNode(source, "", resolve(source, "", root));
  }

  private JsonNode resolve(String source, String path, JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        copy.set(field.getKey(), resolve(source, child, field.getValue()));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        copy.add(resolve(source, path + "[" + i + "]", node.get(i)));
      }
      return copy;
    }
    if (node.isTextual()) {
      return resolveText(source, path, node.textValue());
    }
    return node;
  }

  private JsonNode resolveText(String source, String path, String text) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    if (!matcher.find()) {
      return TextNode.valueOf(text);
    }
    boolean whole = matcher.start() == 0 && matcher.end() == text.length();
    matcher.reset();
    StringBuilder resolved = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String fallback = matcher.group(2);
      String value = environment.apply(name);
      if (value == null || (value.isEmpty() && fallback != null)) {
        if (fallback == null) {
          throw new ConfigException(
              source
                  + ": "
                  + path
                  + ": environment variable "
                  + name
                  + " is not set (expected: set it, or write ${"
                  + name
                  + ":-default})");
        }
        value = fallback;
      }
      matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(resolved);
    String value = resolved.toString();
    if (whole) {
      if (value.matches("-?\\d{1,18}")) {
        return JsonNodeFactory.instance.numberNode(Long.parseLong(value));
      }
      if (value.equals("true") || value.equals("false")) {
        return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value));
      }
    }
    return TextNode.valueOf(value);
  }
}
