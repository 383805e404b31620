package dev.edgestack.internallb;

import dev.edgestack.balancer.vertx.UpstreamPool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses a pool by the longest path prefix that matches on a segment boundary: {@code /accounts}
 * takes {@code /accounts} and {@code /accounts/1}, never {@code /accountsx}.
 */
final class PathRouter {
  record Entry(String prefix, UpstreamPool pool) {}

  private final List<Entry> entries;

  PathRouter(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingInt((Entry e) -> e.prefix().length()).reversed());
    this.entries = List.copyOf(sorted);
  }

  Optional<UpstreamPool> route(String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (Entry entry : entries) {
      String prefix = entry.prefix();
      if (prefix.equals("/")
          || path.equals(prefix)
          || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/')) {
        return Optional.of(entry.pool());
      }
    }
    return Optional.empty();
  }
}
