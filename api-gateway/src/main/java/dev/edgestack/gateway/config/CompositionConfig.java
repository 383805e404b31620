package dev.edgestack.gateway.config;

import dev.edgestack.gateway.route.PathTemplate;
import dev.edgestack.gateway.route.UpstreamTemplate;
import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks a route's {@code compose:} list: part names, upstreams, path variables (route
 * variables, or {@code {part.field}} of another part), {@code after:} references, cycles, timeouts
 * within the route's and fallbacks on optional parts only.
 *
 * <pre>
 * timeout: 3s
 * compose:
 *   - {part: account, upstream: accounts, path: /accounts/{id}}
 *   - part: transactions                        # waits for account, uses its field "id"
 *     upstream: transactions
 *     path: /transactions/{account.id}
 *     required: false
 *     timeout: 1s
 *     fallback: []
 *   - {part: rates, upstream: rates, path: /rates?base=EUR, required: false, after: [account]}
 * </pre>
 */
final class CompositionConfig {
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private CompositionConfig() {}

  static RouteTarget.Compose from(ConfigNode node, PathTemplate path, Set<String> upstreams) {
    List<ConfigNode> items = node.objects("compose");
    if (items.isEmpty()) {
      throw node.error("compose", null, "a non-empty list of parts");
    }
    Duration routeTimeout = node.duration("timeout", DEFAULT_TIMEOUT, Duration.ofMillis(1));
    Set<String> names = new LinkedHashSet<>();
    for (ConfigNode item : items) {
      String name = item.string("part");
      if (!PART.matcher(name).matches() || name.equals("missing")) {
        throw item.error("part", name, "1 to 64 letters, digits, '_' or '-', other than missing");
      }
      if (!names.add(name)) {
        throw item.error("part", name, "a name not used by another part of this route");
      }
    }
    List<ComposePart> parts = new ArrayList<>();
    for (ConfigNode item : items) {
      parts.add(part(item, path, upstreams, names, routeTimeout));
    }
    rejectCycles(items, parts);
    return new RouteTarget.Compose(parts, routeTimeout);
  }

  private static ComposePart part(
      ConfigNode item,
      PathTemplate routePath,
      Set<String> upstreams,
      Set<String> names,
      Duration routeTimeout) {
    item.requireOnly("part", "upstream", "path", "required", "after", "timeout", "fallback");
    String name = item.string("part");
    String upstream = item.string("upstream");
    if (!upstreams.contains(upstream)) {
      throw item.error("upstream", upstream, "one of the upstreams: " + upstreams);
    }
    String text = item.string("path");
    UpstreamTemplate template;
    try {
      template = UpstreamTemplate.parse(text);
    } catch (IllegalArgumentException e) {
      throw item.error("path", text, "an upstream path such as /accounts/{id}: " + e.getMessage());
    }
    Set<String> after = new LinkedHashSet<>();
    for (String variable : template.variables()) {
      int dot = variable.indexOf('.');
      if (dot < 0) {
        if (!routePath.variables().contains(variable)) {
          throw item.error(
              "path",
              text,
              "variables of the route path "
                  + routePath.variables()
                  + " or {part.field} of another part, not {"
                  + variable
                  + "}");
        }
        continue;
      }
      String referenced = variable.substring(0, dot);
      if (!names.contains(referenced) || referenced.equals(name)) {
        throw item.error(
            "path", text, "{part.field} of another part of this route, not {" + variable + "}");
      }
      after.add(referenced);
    }
    for (String other : item.strings("after")) {
      if (!names.contains(other) || other.equals(name)) {
        throw item.error("after", other, "names of other parts of this route");
      }
      after.add(other);
    }
    boolean required = item.bool("required", true);
    Optional<Duration> timeout =
        item.has("timeout")
            ? Optional.of(item.duration("timeout", Duration.ofMillis(1)))
            : Optional.empty();
    if (timeout.isPresent() && timeout.get().compareTo(routeTimeout) > 0) {
      throw item.error(
          "timeout", item.string("timeout"), "at most the route's timeout of " + routeTimeout);
    }
    Optional<String> fallback = item.json("fallback");
    if (fallback.isPresent() && required) {
      throw item.error(
          "fallback", fallback.get(), "no fallback on a required part (add required: false)");
    }
    return new ComposePart(
        name, upstream, template, required, List.copyOf(after), timeout, fallback);
  }

  /** A part that waits, directly or not, for itself would never start. */
  private static void rejectCycles(List<ConfigNode> items, List<ComposePart> parts) {
    Map<String, ComposePart> byName = new HashMap<>();
    parts.forEach(part -> byName.put(part.name(), part));
    Map<String, Integer> state = new HashMap<>();
    for (int i = 0; i < parts.size(); i++) {
      List<String> trail = new ArrayList<>();
      if (cycle(parts.get(i).name(), byName, state, trail)) {
        throw items
            .get(i)
            .error("after", String.join(" -> ", trail), "parts that wait in no cycle");
      }
    }
  }

  // state: 1 = on the current path, 2 = known to reach no cycle.
  private static boolean cycle(
      String name,
      Map<String, ComposePart> byName,
      Map<String, Integer> state,
      List<String> trail) {
    Integer seen = state.get(name);
    if (seen != null) {
      if (seen == 1) {
        trail.add(name);
        return true;
      }
      return false;
    }
    state.put(name, 1);
    trail.add(name);
    for (String next : byName.get(name).after()) {
      if (cycle(next, byName, state, trail)) {
        return true;
      }
    }
    trail.remove(trail.size() - 1);
    state.put(name, 2);
    return false;
  }
}
