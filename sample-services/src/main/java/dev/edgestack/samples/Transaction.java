package dev.edgestack.samples;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;

/** A booked transaction of a demo account; debits are negative. */
record Transaction(
    String id, BigDecimal amount, String currency, Instant bookedAt, String description) {
  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("amount", amount)
        .put("currency", currency)
        .put("bookedAt", bookedAt.toString())
        .put("description", description);
  }
}
