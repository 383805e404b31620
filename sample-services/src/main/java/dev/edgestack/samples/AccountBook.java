package dev.edgestack.samples;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The accounts service's data: a fixed set of demo accounts. */
final class AccountBook {
  private final Map<String, Account> accounts;

  private AccountBook(Map<String, Account> accounts) {
    this.accounts = Map.copyOf(accounts);
  }

  static AccountBook demo() {
    Map<String, Account> accounts = new LinkedHashMap<>();
    for (Account account :
        new Account[] {
          new Account("acc-alice-1", "alice", "EUR", new BigDecimal("2450.75"), "Everyday account"),
          new Account("acc-alice-2", "alice", "EUR", new BigDecimal("12000.00"), "Savings"),
          new Account("acc-bob-1", "bob", "USD", new BigDecimal("830.10"), "Checking")
        }) {
      accounts.put(account.id(), account);
    }
    return new AccountBook(accounts);
  }

  /** The account if it exists and {@code subject} owns it; the two cases are not told apart. */
  Optional<Account> findOwned(String id, String subject) {
    Account account = accounts.get(id);
    return account != null && account.owner().equals(subject)
        ? Optional.of(account)
        : Optional.empty();
  }
}
