package dev.edgestack.gateway.auth;

import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.Set;

/**
 * One loaded JWKS: a verifier built over its usable keys and their key ids. Never empty: a verifier
 * without keys would accept unsigned tokens.
 */
record KeySet(JWTAuth verifier, Set<String> keyIds, int size) {
  KeySet {
    keyIds = Set.copyOf(keyIds);
    if (size == 0) {
      throw new IllegalArgumentException("size: 0 (expected: at least one key)");
    }
  }

  boolean knows(String keyId) {
    return keyIds.contains(keyId);
  }
}
