package dev.edgestack.samples;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The accounts service: {@code GET /accounts/{id}} answers {@code {"id", "owner", "currency",
 * "balance", "name"}} to the account's owner, named by {@code X-Auth-Subject}; anyone else gets a
 * 404 that does not reveal whether the account exists.
 */
final class AccountsApi implements ServiceRoutes {
  private final AccountBook book;

  AccountsApi(AccountBook book) {
    this.book = book;
  }

  @Override
  public void mount(Router router) {
    router.get("/accounts/:id").handler(this::account);
  }

  private void account(RoutingContext ctx) {
    String subject = Routing.subject(ctx);
    String id = ctx.pathParam("id");
    Account account =
        book.findOwned(id, subject)
            .orElseThrow(
                () ->
                    EdgeFailure.of(FailureKind.NOT_FOUND, "No account " + id + " for " + subject));
    Routing.json(ctx, account.toJson());
  }
}
