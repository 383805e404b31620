package dev.edgestack.gateway.auth;

import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.Map;
import java.util.Set;

/**
 * One loaded JWKS: a verifier built over its usable keys, the algorithm of each key id and the
 * algorithms of all keys. Never empty: a verifier without keys would accept unsigned tokens.
 */
record KeySet(
    JWTAuth verifier, Map<String, String> algorithmByKeyId, Set<String> algorithms, int size) {
  KeySet {
    algorithmByKeyId = Map.copyOf(algorithmByKeyId);
    algorithms = Set.copyOf(algorithms);
    if (size == 0) {
      throw new IllegalArgumentException("size: 0 (expected: at least one key)");
    }
  }

  Set<String> keyIds() {
    return algorithmByKeyId.keySet();
  }

  boolean knows(String keyId) {
    return algorithmByKeyId.containsKey(keyId);
  }

  /** Whether a token signed with {@code algorithm} under {@code keyId} (or none) fits a key. */
  boolean fits(String keyId, String algorithm) {
    return keyId == null
        ? algorithms.contains(algorithm)
        : algorithm.equals(algorithmByKeyId.get(keyId));
  }
}
