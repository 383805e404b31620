package dev.edgestack.gateway.compose;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Reads {@code part.field.path} out of a part's answer for another part's path: object keys, or
 * array indexes ({@code items.0.id}). Only a string, number or boolean is a value; an object, an
 * array, null or a missing key is none.
 */
final class FieldReference {
  private FieldReference() {}

  /** The part named by {@code reference} ({@code account} of {@code account.id}). */
  static String part(String reference) {
    return reference.substring(0, reference.indexOf('.'));
  }

  /** The value at the field path of {@code reference} in {@code json}, the part's answer. */
  static Optional<String> resolve(Object json, String reference) {
    Object current = json;
    String[] keys = reference.split("\\.");
    for (int i = 1; i < keys.length; i++) {
      String key = keys[i];
      if (current instanceof JsonObject object) {
        current = object.getValue(key);
      } else if (current instanceof JsonArray array && key.matches("\\d{1,9}")) {
        int index = Integer.parseInt(key);
        current = index < array.size() ? array.getValue(index) : null;
      } else {
        return Optional.empty();
      }
    }
    if (current instanceof String || current instanceof Number || current instanceof Boolean) {
      return Optional.of(current.toString());
    }
    return Optional.empty();
  }
}
