package dev.edgestack.gateway;

import dev.edgestack.balancer.vertx.RelayRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed head of name/value pairs that counts how often a name or a value was made into text, as
 * the relay's head does each time it is asked.
 */
final class FakeRelayRequest implements RelayRequest {
  private final String[] fields;
  int namesMade;
  int valuesMade;

  FakeRelayRequest(String... fields) {
    this.fields = fields.clone();
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public String target() {
    return "/";
  }

  @Override
  public String path() {
    return "/";
  }

  @Override
  public String query() {
    return null;
  }

  @Override
  public String host() {
    return "localhost";
  }

  @Override
  public String requestedHost() {
    return "localhost";
  }

  @Override
  public String peer() {
    return "127.0.0.1";
  }

  @Override
  public String clientAddress() {
    return "127.0.0.1";
  }

  @Override
  public String requestId() {
    return "id";
  }

  @Override
  public int fieldCount() {
    return fields.length / 2;
  }

  @Override
  public String fieldName(int index) {
    namesMade++;
    return new String(fields[2 * index]);
  }

  @Override
  public boolean fieldNameIs(int index, String name) {
    return fields[2 * index].equalsIgnoreCase(name);
  }

  @Override
  public String fieldValue(int index) {
    valuesMade++;
    return new String(fields[2 * index + 1]);
  }

  @Override
  public String header(String name) {
    List<String> values = headers(name);
    return values.isEmpty() ? null : values.get(0);
  }

  @Override
  public List<String> headers(String name) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < fields.length; i += 2) {
      if (fields[i].equalsIgnoreCase(name)) {
        values.add(fields[i + 1]);
      }
    }
    return values;
  }
}
