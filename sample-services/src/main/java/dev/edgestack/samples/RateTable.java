package dev.edgestack.samples;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The rates service's data: fixed reference rates against the euro, from which the rates for any
 * known base are derived (six significant digits).
 */
final class RateTable {
  static final String AS_OF = "2025-01-02";
  private static final MathContext PRECISION = new MathContext(6);

  // Units of each currency per 1 EUR.
  private final Map<String, BigDecimal> perEuro;

  private RateTable(Map<String, BigDecimal> perEuro) {
    this.perEuro = perEuro;
  }

  static RateTable demo() {
    Map<String, BigDecimal> perEuro = new LinkedHashMap<>();
    perEuro.put("EUR", BigDecimal.ONE);
    perEuro.put("USD", new BigDecimal("1.0842"));
    perEuro.put("GBP", new BigDecimal("0.8561"));
    perEuro.put("CHF", new BigDecimal("0.9412"));
    perEuro.put("JPY", new BigDecimal("162.35"));
    return new RateTable(Collections.unmodifiableMap(perEuro));
  }

  /** The known currencies, in table order, for messages. */
  String currencies() {
    return String.join(", ", perEuro.keySet());
  }

  /**
   * {@code {"base", "rates": {...every other currency...}, "asOf"}}, or empty for unknown bases.
   */
  Optional<JsonObject> quote(String base) {
    String code = base.trim().toUpperCase(Locale.ROOT);
    BigDecimal basePerEuro = perEuro.get(code);
    if (basePerEuro == null) {
      return Optional.empty();
    }
    JsonObject rates = new JsonObject();
    perEuro.forEach(
        (currency, value) -> {
          if (!currency.equals(code)) {
            rates.put(currency, value.divide(basePerEuro, PRECISION));
          }
        });
    return Optional.of(new JsonObject().put("base", code).put("rates", rates).put("asOf", AS_OF));
  }
}
