package dev.edgestack.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {
  private final PathTemplate template = PathTemplate.parse("/api/accounts/{id}/transactions");

  @Test
  void capturesOneRawSegmentPerVariable() {
    assertThat(template.variables()).containsExactly("id");
    assertThat(template.match("/api/accounts/acc-1/transactions")).contains(Map.of("id", "acc-1"));
    assertThat(template.match("/api/accounts/a%20b/transactions")).contains(Map.of("id", "a%20b"));
  }

  @Test
  void neverMatchesAcrossSlashesOrEmptySegments() {
    assertThat(template.match("/api/accounts/a/b/transactions")).isEmpty();
    assertThat(template.match("/api/accounts//transactions")).isEmpty();
    assertThat(template.match("/api/accounts/acc-1/transactions/")).isEmpty();
    assertThat(template.match("/api/accounts/acc-1")).isEmpty();
    assertThat(template.match("/API/accounts/acc-1/transactions")).isEmpty();
  }

  @Test
  void aPrefixTemplateCapturesTheRemainderAfterItsSegments() {
    PathTemplate template = PathTemplate.parse("/api/{id}/**");
    assertThat(template.match("/api/x")).contains(Map.of("id", "x", "**", ""));
    assertThat(template.match("/api/x/")).contains(Map.of("id", "x", "**", ""));
    assertThat(template.match("/api/x/a/b")).contains(Map.of("id", "x", "**", "a/b"));
    assertThat(template.match("/api")).isEmpty();
    assertThat(template.match("/apix/y")).isEmpty();
    assertThat(template.match("/api//a")).isEmpty();
    PathTemplate all = PathTemplate.parse("/**");
    assertThat(all.match("/")).contains(Map.of("**", ""));
    assertThat(all.match("/a/b")).contains(Map.of("**", "a/b"));
    assertThat(all.match("a/b")).isEmpty();
  }

  @Test
  void matchesLiteralTemplatesExactly() {
    PathTemplate rates = PathTemplate.parse("/api/rates");
    assertThat(rates.match("/api/rates")).contains(Map.of());
    assertThat(rates.match("/api/rates/")).isEmpty();
    assertThat(rates.match("/api/ratesx")).isEmpty();
    assertThat(rates.match("/api/Rates")).isEmpty();
    assertThat(rates.match("/api")).isEmpty();
    assertThat(rates.match("api/rates")).isEmpty();
    assertThat(PathTemplate.parse("/").match("/")).contains(Map.of());
    assertThat(PathTemplate.parse("/").match("/x")).isEmpty();
  }

  @Test
  void rejectsMalformedTemplates() {
    assertThatThrownBy(() -> PathTemplate.parse("api")).hasMessageContaining("must start with /");
    assertThatThrownBy(() -> PathTemplate.parse("/a/{id")).hasMessageContaining("{id");
    assertThatThrownBy(() -> PathTemplate.parse("/a/x{id}")).hasMessageContaining("x{id}");
    assertThatThrownBy(() -> PathTemplate.parse("/a/{id}/{id}")).hasMessageContaining("twice");
    assertThatThrownBy(() -> PathTemplate.parse("/a/")).hasMessageContaining("empty segment");
    assertThatThrownBy(() -> PathTemplate.parse("/a/../b")).hasMessageContaining("dot segment");
  }
}
