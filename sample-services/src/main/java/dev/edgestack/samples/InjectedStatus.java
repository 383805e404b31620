package dev.edgestack.samples;

import dev.edgestack.runtime.failure.FailureKind;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The statuses an injected error may have: those of the failure taxonomy, because every error
 * answer goes through the one failure responder, which takes its status from the kind.
 */
final class InjectedStatus {
  // Where two kinds share a status, the first listed names the injected failure.
  private static final Map<Integer, FailureKind> KINDS = kinds();

  private InjectedStatus() {}

  private static Map<Integer, FailureKind> kinds() {
    Map<Integer, FailureKind> kinds = new TreeMap<>();
    for (FailureKind kind :
        new FailureKind[] {
          FailureKind.UNAVAILABLE,
          FailureKind.BAD_UPSTREAM_RESPONSE,
          FailureKind.NOT_FOUND,
          FailureKind.INTERNAL
        }) {
      kinds.put(kind.status(), kind);
    }
    for (FailureKind kind : FailureKind.values()) {
      kinds.putIfAbsent(kind.status(), kind);
    }
    return Collections.unmodifiableMap(kinds);
  }

  static boolean supported(int status) {
    return KINDS.containsKey(status);
  }

  static FailureKind kindOf(int status) {
    FailureKind kind = KINDS.get(status);
    if (kind == null) {
      throw new IllegalArgumentException("status: " + status + " (expected: one of " + all() + ")");
    }
    return kind;
  }

  /** The supported statuses, ascending, for messages. */
  static String all() {
    return KINDS.keySet().toString().replace("[", "").replace("]", "");
  }
}
