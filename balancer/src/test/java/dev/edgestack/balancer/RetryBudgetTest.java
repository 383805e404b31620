package dev.edgestack.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  @Test
  void theFloorAllowsAFewRetriesWhenTrafficIsLow() {
    RetryBudget budget = new RetryBudget(0.2, 3);
    budget.requestStarted();
    assertThat(budget.allowedRetries()).isEqualTo(3);
    assertThat(budget.tryStartRetry()).isTrue();
    assertThat(budget.tryStartRetry()).isTrue();
    assertThat(budget.tryStartRetry()).isTrue();
    assertThat(budget.tryStartRetry()).isFalse();
    assertThat(budget.exhausted()).isEqualTo(1);
    budget.retryFinished();
    assertThat(budget.tryStartRetry()).isTrue();
  }

  @Test
  void underLoadRetriesAreAShareOfTheRequestsInFlight() {
    RetryBudget budget = new RetryBudget(0.2, 3);
    for (int i = 0; i < 100; i++) {
      budget.requestStarted();
    }
    assertThat(budget.allowedRetries()).isEqualTo(20);
    int granted = 0;
    for (int i = 0; i < 100; i++) {
      granted += budget.tryStartRetry() ? 1 : 0;
    }
    assertThat(granted).isEqualTo(20);
    assertThat(budget.exhausted()).isEqualTo(80);
    for (int i = 0; i < 50; i++) {
      budget.requestFinished();
    }
    assertThat(budget.allowedRetries()).isEqualTo(10);
    assertThat(budget.tryStartRetry()).isFalse();
  }

  @Test
  void aZeroBudgetAllowsNoRetries() {
    RetryBudget budget = new RetryBudget(0, 0);
    budget.requestStarted();
    assertThat(budget.tryStartRetry()).isFalse();
  }
}
