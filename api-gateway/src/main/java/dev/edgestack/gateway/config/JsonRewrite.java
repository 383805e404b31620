package dev.edgestack.gateway.config;

import dev.edgestack.balancer.vertx.BodyRewrite;
import dev.edgestack.runtime.config.ConfigNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rewrites JSON answers of a proxied route: keep only the {@code project} fields, then {@code
 * rename}, then {@code remove}, each field named by a dot path ({@code owner.name}); a path through
 * an array applies to each of its objects, and so does the whole rewrite when the body is an array.
 * Only answers with a JSON content type ({@code application/json} or {@code +json}) and no content
 * coding are buffered; others, and bodies that are not valid JSON, pass unchanged.
 *
 * <pre>
 * responseJson:
 *   project: [id, owner.name, balance]
 *   rename: {owner.name: owner.fullName}
 *   remove: [internal]
 *   maxBufferBytes: 1048576
 *   overLimit: fail          # or pass-through (the answer streams untouched)
 * </pre>
 */
public record JsonRewrite(
    List<List<String>> project,
    Map<List<String>, List<String>> rename,
    List<List<String>> remove,
    int maxBufferBytes,
    OverLimit overLimit)
    implements BodyRewrite {
  private static final Pattern PATH = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)*");

  public JsonRewrite {
    project = List.copyOf(project);
    rename = Map.copyOf(rename);
    remove = List.copyOf(remove);
  }

  @Override
  public boolean appliesTo(int status, MultiMap headers) {
    String type = headers.get("Content-Type");
    String coding = headers.get("Content-Encoding");
    if (type == null || (coding != null && !coding.trim().equalsIgnoreCase("identity"))) {
      return false;
    }
    String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return media.equals("application/json") || media.endsWith("+json");
  }

  @Override
  public Buffer rewrite(Buffer body) {
    Object document;
    try {
      document = Json.decodeValue(body);
    } catch (DecodeException e) {
      return body;
    }
    if (document instanceof JsonObject object) {
      return apply(object).toBuffer();
    }
    if (document instanceof JsonArray array) {
      JsonArray rewritten = new JsonArray();
      for (Object item : array) {
        rewritten.add(item instanceof JsonObject object ? apply(object) : item);
      }
      return rewritten.toBuffer();
    }
    return body;
  }

  private JsonObject apply(JsonObject source) {
    JsonObject document = project.isEmpty() ? source.copy() : new JsonObject();
    for (List<String> path : project) {
      copy(source, document, path);
    }
    rename.forEach(
        (from, to) -> {
          List<Object> values = new ArrayList<>();
          take(document, from, values);
          if (values.size() == 1) {
            put(document, to, values.get(0));
          }
        });
    for (List<String> path : remove) {
      take(document, path, new ArrayList<>());
    }
    return document;
  }

  /** Copies the value at {@code path} of {@code from} into {@code to}, arrays element-wise. */
  private static void copy(JsonObject from, JsonObject to, List<String> path) {
    String key = path.get(0);
    if (!from.containsKey(key)) {
      return;
    }
    Object value = from.getValue(key);
    if (path.size() == 1) {
      to.put(key, value);
    } else if (value instanceof JsonObject child) {
      JsonObject target = to.getJsonObject(key) != null ? to.getJsonObject(key) : new JsonObject();
      copy(child, target, path.subList(1, path.size()));
      to.put(key, target);
    } else if (value instanceof JsonArray items) {
      JsonArray target = to.getValue(key) instanceof JsonArray existing ? existing : null;
      JsonArray built = new JsonArray();
      for (int i = 0; i < items.size(); i++) {
        Object item = items.getValue(i);
        if (item instanceof JsonObject child) {
          JsonObject into =
              target != null && target.getValue(i) instanceof JsonObject old
                  ? old
                  : new JsonObject();
          copy(child, into, path.subList(1, path.size()));
          built.add(into);
        } else {
          built.add(item);
        }
      }
      to.put(key, built);
    }
  }

  /** Removes the value(s) at {@code path}, collecting them in {@code taken}. */
  private static void take(JsonObject document, List<String> path, List<Object> taken) {
    String key = path.get(0);
    if (!document.containsKey(key)) {
      return;
    }
    if (path.size() == 1) {
      taken.add(document.remove(key));
      return;
    }
    Object value = document.getValue(key);
    if (value instanceof JsonObject child) {
      take(child, path.subList(1, path.size()), taken);
    } else if (value instanceof JsonArray items) {
      for (Object item : items) {
        if (item instanceof JsonObject child) {
          take(child, path.subList(1, path.size()), taken);
        }
      }
    }
  }

  private static void put(JsonObject document, List<String> path, Object value) {
    JsonObject parent = document;
    for (String key : path.subList(0, path.size() - 1)) {
      if (!(parent.getValue(key) instanceof JsonObject)) {
        parent.put(key, new JsonObject());
      }
      parent = parent.getJsonObject(key);
    }
    parent.put(path.get(path.size() - 1), value);
  }

  static JsonRewrite from(ConfigNode node) {
    node.requireOnly("project", "rename", "remove", "maxBufferBytes", "overLimit");
    List<List<String>> project = new ArrayList<>();
    node.strings("project").forEach(path -> project.add(path(node, "project", path)));
    Map<List<String>, List<String>> rename = new LinkedHashMap<>();
    node.stringMap("rename")
        .forEach((from, to) -> rename.put(path(node, "rename", from), path(node, "rename", to)));
    List<List<String>> remove = new ArrayList<>();
    node.strings("remove").forEach(path -> remove.add(path(node, "remove", path)));
    if (project.isEmpty() && rename.isEmpty() && remove.isEmpty()) {
      throw node.error("project", null, "at least one of project, rename, remove");
    }
    return new JsonRewrite(
        project,
        rename,
        remove,
        node.integer("maxBufferBytes", 1 << 20, 1, 64 << 20),
        node.enumValue("overLimit", OverLimit.class, OverLimit.FAIL));
  }

  private static List<String> path(ConfigNode node, String key, String text) {
    if (!PATH.matcher(text).matches()) {
      throw node.error(key, text, "a dot path of field names such as owner.name");
    }
    return Arrays.asList(text.split("\\."));
  }
}
