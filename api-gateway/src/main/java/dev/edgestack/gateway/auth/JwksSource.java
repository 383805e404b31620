package dev.edgestack.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Where a JWKS document comes from; every fetch is bounded in time by the implementation. */
@FunctionalInterface
public interface JwksSource {
  Future<JsonObject> fetch();
}
