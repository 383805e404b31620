package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.balancer.vertx.RelayFieldEdits;
import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.config.HeaderEdits;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The relay's head seen as a MultiMap: lookups in place, and changes recorded as relay edits. */
class RelayHeadersTest {
  @Test
  void looksUpNamesInAnyCaseAndKeepsRepeatedFieldsInOrder() {
    RelayHeaders headers =
        new RelayHeaders(
            new FakeRelayRequest("Accept", "a", "X-Multi", "1", "Host", "h", "x-multi", "2"));

    assertThat(headers.get("x-MULTI")).isEqualTo("1");
    assertThat(headers.getAll("X-MULTI")).containsExactly("1", "2");
    assertThat(headers.contains("ACCEPT")).isTrue();
    assertThat(headers.get("Missing")).isNull();
    assertThat(headers.getAll("Missing")).isEmpty();
    assertThat(headers.size()).isEqualTo(4);
    assertThat(headers.names()).containsExactly("Accept", "Host", "X-Multi");
  }

  @Test
  void makesTextOnlyOfTheValuesReadAndOfNoNameForALookup() {
    FakeRelayRequest request =
        new FakeRelayRequest("Accept", "a", "Authorization", "Bearer t", "User-Agent", "u");
    RelayHeaders headers = new RelayHeaders(request);

    headers.get("authorization");
    headers.getAll("Authorization");
    headers.contains("User-Agent");

    assertThat(request.namesMade).isZero();
    assertThat(request.valuesMade).isOne();
  }

  @Test
  void readingOnlyGivesNoEdits() {
    RelayHeaders headers = new RelayHeaders(new FakeRelayRequest("Accept", "a", "X-Old", "o"));

    headers.get("Accept");
    headers.getAll("X-Old");
    headers.forEach((name, value) -> {});

    assertThat(headers.edits()).isSameAs(RelayFieldEdits.NONE);
  }

  @Test
  void removalsAndAdditionsBecomeExactlyTheEdits() {
    RelayHeaders headers =
        new RelayHeaders(
            new FakeRelayRequest(
                "Accept", "a", "X-Old", "kept", "X-Multi", "1", "x-multi", "2", "Other", "o"));

    headers.remove("x-old");
    headers.add("X-New", "kept");
    headers.add("X-Multi", "3");
    headers.set("ACCEPT", "b");

    RelayFieldEdits edits = headers.edits();
    assertThat(edits.removed()).containsExactly("Accept", "X-Old");
    assertThat(added(edits)).containsExactly("X-New=kept", "X-Multi=3", "ACCEPT=b");
    assertThat(headers.getAll("x-multi")).containsExactly("1", "2", "3");
    assertThat(headers.get("Accept")).isEqualTo("b");
    assertThat(headers.get("X-Old")).isNull();
    assertThat(headers.size()).isEqualTo(6);
    assertThat(fields(headers))
        .containsExactly(
            "X-Multi=1", "x-multi=2", "Other=o", "X-New=kept", "X-Multi=3", "ACCEPT=b");
  }

  @Test
  void aFieldAddedThenRemovedLeavesNoEditAndRemovingAllOfANameRemovesItOnce() {
    RelayHeaders headers = new RelayHeaders(new FakeRelayRequest("X-Multi", "1", "X-MULTI", "2"));

    headers.add("X-Temp", "t");
    headers.remove("x-temp");
    assertThat(headers.edits()).isSameAs(RelayFieldEdits.NONE);

    headers.add("x-multi", "3");
    headers.remove("X-Multi");
    RelayFieldEdits edits = headers.edits();
    assertThat(edits.removed()).containsExactly("X-Multi");
    assertThat(edits.addedCount()).isZero();
    assertThat(headers.isEmpty()).isTrue();
  }

  @Test
  void everyClientSentIdentityHeaderIsStrippedAndTheVerifiedOnesAdded() {
    RelayHeaders headers =
        new RelayHeaders(
            new FakeRelayRequest(
                "X-Auth-Subject", "mallory",
                "x_auth_scopes", "admin",
                "X-AUTH_Client", "evil",
                "X-Authorization", "kept",
                "Authorization", "Bearer t"));

    IdentityHeaders.strip(headers);
    assertThat(headers.names()).containsExactlyInAnyOrder("X-Authorization", "Authorization");

    IdentityHeaders.apply(
        Optional.of(new Identity("alice", List.of("accounts:read"), Optional.empty(), 0)), headers);

    RelayFieldEdits edits = headers.edits();
    assertThat(edits.removed()).containsExactly("X-Auth-Subject", "x_auth_scopes", "X-AUTH_Client");
    assertThat(added(edits)).containsExactly("X-Auth-Subject=alice", "X-Auth-Scopes=accounts:read");
  }

  @Test
  void aRouteRenameMovesTheValuesToTheNewName() {
    RelayHeaders headers = new RelayHeaders(new FakeRelayRequest("X-Old", "1", "x-old", "2"));

    new HeaderEdits(List.of(), Map.of("X-Old", "X-New"), Map.of(), Map.of()).apply(headers);

    RelayFieldEdits edits = headers.edits();
    assertThat(edits.removed()).containsExactly("X-Old");
    assertThat(added(edits)).containsExactly("X-New=1", "X-New=2");
  }

  @Test
  void refusesAFieldThatWouldForgeAnotherInTheHead() {
    RelayHeaders headers = new RelayHeaders(new FakeRelayRequest());

    assertThatThrownBy(() -> headers.add("X-A", "a\r\nX-Auth-Subject: root"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-A");
    assertThatThrownBy(() -> headers.set("X-A: b", "c"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(headers.edits()).isSameAs(RelayFieldEdits.NONE);
  }

  @Test
  void settingAllReplacesEveryFieldOfTheHead() {
    RelayHeaders headers = new RelayHeaders(new FakeRelayRequest("Accept", "a", "X-Old", "o"));

    headers.setAll(MultiMap.caseInsensitiveMultiMap().add("X-Only", "1"));

    RelayFieldEdits edits = headers.edits();
    assertThat(edits.removed()).containsExactly("Accept", "X-Old");
    assertThat(added(edits)).containsExactly("X-Only=1");
    assertThat(fields(headers)).containsExactly("X-Only=1");
  }

  private static List<String> added(RelayFieldEdits edits) {
    List<String> added = new ArrayList<>();
    for (int i = 0; i < edits.addedCount(); i++) {
      added.add(edits.addedName(i) + "=" + edits.addedValue(i));
    }
    return added;
  }

  private static List<String> fields(RelayHeaders headers) {
    List<String> fields = new ArrayList<>();
    headers.forEach((name, value) -> fields.add(name + "=" + value));
    return fields;
  }
}
