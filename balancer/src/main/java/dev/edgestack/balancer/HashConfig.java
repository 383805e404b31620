package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;

/**
 * What consistent hashing hashes and how far it lets one endpoint's load exceed the mean. A request
 * without the key (no such header or cookie) is placed at random.
 *
 * <pre>
 * hash: {on: header, name: X-Account-Id, loadFactor: 1.25}
 * hash: {on: client-address}
 * </pre>
 */
public record HashConfig(Source on, String name, double loadFactor) {
  public static final HashConfig DEFAULT = new HashConfig(Source.CLIENT_ADDRESS, "", 1.25);

  /** Where the hash key comes from. */
  public enum Source {
    HEADER,
    COOKIE,
    CLIENT_ADDRESS,
    PATH
  }

  public static HashConfig from(ConfigNode node) {
    node.requireOnly("on", "name", "loadFactor");
    Source on = node.enumValue("on", Source.class, DEFAULT.on());
    String name = "";
    if (on == Source.HEADER || on == Source.COOKIE) {
      name = node.string("name");
    } else if (node.has("name")) {
      throw node.error("name", node.string("name"), "no name with on: " + ConfigNode.spelling(on));
    }
    return new HashConfig(on, name, node.decimal("loadFactor", DEFAULT.loadFactor(), 1, 100));
  }

  /** The 64-bit hash of a key, as the ring uses it. */
  public static long hash(String key) {
    return ConsistentHashStrategy.hash(key);
  }
}
