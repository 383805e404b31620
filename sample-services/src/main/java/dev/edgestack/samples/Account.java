package dev.edgestack.samples;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/** A demo bank account. */
record Account(String id, String owner, String currency, BigDecimal balance, String name) {
  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("owner", owner)
        .put("currency", currency)
        .put("balance", balance)
        .put("name", name);
  }
}
