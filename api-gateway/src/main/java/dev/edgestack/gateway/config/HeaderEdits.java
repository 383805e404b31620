package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Edits of a request's or response's headers, applied in this order: remove, rename, set, add. No
 * edit may name a hop-by-hop header, {@code Host}, {@code Content-Length}, the gateway's identity
 * headers ({@code X-Auth-*}) or the headers the tiers own (request id, trace, {@code Via}, {@code
 * Forwarded}, {@code X-Forwarded-*}); such a name is refused at load.
 *
 * <pre>
 * headers: {add: {X-Api-Version: "2"}, set: {Cache-Control: no-store}, remove: [Server],
 *           rename: {X-Old: X-New}}
 * </pre>
 */
public record HeaderEdits(
    List<String> remove,
    Map<String, String> rename,
    Map<String, String> set,
    Map<String, String> add) {
  public static final HeaderEdits NONE = new HeaderEdits(List.of(), Map.of(), Map.of(), Map.of());
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7e]*");
  private static final Set<String> RESERVED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "proxy-authenticate",
          "proxy-authorization",
          "host",
          "content-length",
          "x-request-id",
          "traceparent",
          "tracestate",
          "via",
          "forwarded");

  public HeaderEdits {
    remove = List.copyOf(remove);
    rename = Map.copyOf(rename);
    set = Map.copyOf(set);
    add = Map.copyOf(add);
  }

  public boolean isEmpty() {
    return remove.isEmpty() && rename.isEmpty() && set.isEmpty() && add.isEmpty();
  }

  public void apply(MultiMap headers) {
    // On the data path of every request, and most routes have no edits: no iterators for those.
    if (isEmpty()) {
      return;
    }
    remove.forEach(headers::remove);
    rename.forEach(
        (from, to) -> {
          List<String> values = headers.getAll(from);
          if (!values.isEmpty()) {
            headers.remove(from);
            headers.set(to, values);
          }
        });
    set.forEach(headers::set);
    add.forEach(headers::add);
  }

  static HeaderEdits from(ConfigNode node) {
    node.requireOnly("remove", "rename", "set", "add");
    List<String> remove = node.strings("remove");
    remove.forEach(name -> check(node, "remove", name));
    Map<String, String> rename = node.stringMap("rename");
    rename.forEach(
        (from, to) -> {
          check(node, "rename", from);
          check(node, "rename", to);
        });
    Map<String, String> set = values(node, "set");
    Map<String, String> add = values(node, "add");
    return new HeaderEdits(remove, rename, set, add);
  }

  private static Map<String, String> values(ConfigNode node, String key) {
    Map<String, String> values = node.stringMap(key);
    values.forEach(
        (name, value) -> {
          check(node, key, name);
          if (!VALUE.matcher(value).matches()) {
            throw node.error(key, value, "a value of printable ASCII characters");
          }
        });
    return values;
  }

  private static void check(ConfigNode node, String key, String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!TOKEN.matcher(name).matches()
        || RESERVED.contains(lower)
        || lower.startsWith("x-auth-")
        || lower.startsWith("x-forwarded-")) {
      throw node.error(
          key,
          name,
          "a header name other than hop-by-hop ones, Host, Content-Length, X-Auth-*, "
              + "X-Request-Id, traceparent, Via, Forwarded and X-Forwarded-*");
    }
  }
}
