package dev.edgestack.samples;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The transactions service's data: each demo account's owner (its own table, as a separate service
 * would keep) and its recent transactions, newest first.
 */
final class TransactionLedger {
  private final Map<String, String> owners;
  private final Map<String, List<Transaction>> transactions;

  private TransactionLedger(Map<String, String> owners, Map<String, List<Transaction>> byAccount) {
    this.owners = Map.copyOf(owners);
    this.transactions = Map.copyOf(byAccount);
  }

  static TransactionLedger demo() {
    return new TransactionLedger(
        Map.of("acc-alice-1", "alice", "acc-alice-2", "alice", "acc-bob-1", "bob"),
        Map.of(
            "acc-alice-1",
            List.of(
                booked("tx-alice-1-003", "-42.90", "EUR", "2025-01-14T18:05:00Z", "Grocery store"),
                booked("tx-alice-1-002", "-1200.00", "EUR", "2025-01-03T08:00:00Z", "Rent"),
                booked("tx-alice-1-001", "3100.00", "EUR", "2025-01-01T07:30:00Z", "Salary")),
            "acc-alice-2",
            List.of(
                booked(
                    "tx-alice-2-001", "500.00", "EUR", "2025-01-02T09:00:00Z", "Monthly saving")),
            "acc-bob-1",
            List.of(
                booked("tx-bob-1-002", "-18.50", "USD", "2025-01-12T12:45:00Z", "Coffee beans"),
                booked("tx-bob-1-001", "900.00", "USD", "2025-01-05T10:00:00Z", "Refund"))));
  }

  private static Transaction booked(
      String id, String amount, String currency, String bookedAt, String description) {
    return new Transaction(
        id, new BigDecimal(amount), currency, Instant.parse(bookedAt), description);
  }

  /** The account's transactions if {@code subject} owns it; unknown and foreign look the same. */
  Optional<List<Transaction>> findOwned(String accountId, String subject) {
    return subject.equals(owners.get(accountId))
        ? Optional.of(transactions.getOrDefault(accountId, List.of()))
        : Optional.empty();
  }
}
