package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A weighted split of a route's traffic over two or more upstreams (canary releases), optionally
 * sticky: when the request carries the {@code sticky} header or cookie, a hash of its value picks
 * the side, so one client stays on one side as long as the weights stay the same.
 *
 * <pre>
 * split:
 *   - {upstream: accounts, weight: 90}
 *   - {upstream: accounts-canary, weight: 10}
 * sticky: header:X-Client-Id     # or cookie:session
 * </pre>
 */
public record TrafficSplit(List<Share> shares, Optional<Sticky> sticky) {

  /** One side of the split. */
  public record Share(String upstream, int weight) {}

  /** Where the stickiness key is read from. */
  public record Sticky(boolean cookie, String name) {}

  public TrafficSplit {
    shares = List.copyOf(shares);
  }

  int totalWeight() {
    return shares.stream().mapToInt(Share::weight).sum();
  }

  /** The upstream for a request whose stickiness key is {@code key} (empty: random). */
  public String pick(Optional<String> key, RandomGenerator random) {
    int total = totalWeight();
    long point =
        key.map(value -> Math.floorMod(hash(value), (long) total))
            .orElseGet(() -> (long) random.nextInt(total));
    for (Share share : shares) {
      point -= share.weight();
      if (point < 0) {
        return share.upstream();
      }
    }
    return shares.get(shares.size() - 1).upstream();
  }

  /** FNV-1a, 64 bits: stable across processes and restarts, unlike String.hashCode salting. */
  private static long hash(String value) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  static TrafficSplit from(ConfigNode route, Set<String> upstreams) {
    List<ConfigNode> items = route.objects("split");
    if (items.size() < 2) {
      throw route.error(
          "split", items.size() + " upstream(s)", "a list of at least two {upstream, weight}");
    }
    List<Share> shares = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ConfigNode item : items) {
      item.requireOnly("upstream", "weight");
      String upstream = item.string("upstream");
      if (!upstreams.contains(upstream)) {
        throw item.error("upstream", upstream, "one of the upstreams: " + upstreams);
      }
      if (!seen.add(upstream)) {
        throw item.error("upstream", upstream, "an upstream not listed twice in this split");
      }
      shares.add(new Share(upstream, item.integer("weight", 0, 1_000_000)));
    }
    if (shares.stream().mapToInt(Share::weight).sum() == 0) {
      throw route.error("split", null, "at least one weight above 0");
    }
    Optional<Sticky> sticky = Optional.empty();
    if (route.has("sticky")) {
      String text = route.string("sticky");
      int colon = text.indexOf(':');
      String kind = colon < 0 ? "" : text.substring(0, colon);
      String name = colon < 0 ? "" : text.substring(colon + 1).trim();
      if (!(kind.equals("header") || kind.equals("cookie")) || name.isEmpty()) {
        throw route.error("sticky", text, "header:NAME or cookie:NAME");
      }
      sticky = Optional.of(new Sticky(kind.equals("cookie"), name));
    }
    return new TrafficSplit(shares, sticky);
  }
}
