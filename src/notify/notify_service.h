// NotifyService: the notify subsystem as `pantau serve` runs it, made from the `notify` section
// of the config (core/config.h): the dispatch store over DATA/pantau.db, the SMTP sender (none
// while notify.smtp.url is empty), the webhook sender with the configured hooks (Telegram tokens
// read from their files here) and the Dispatcher over them. The caller starts the dispatcher's
// thread and stops it (or destroys the service) before the store's data directory goes away.
//
// Thread-safety: as its parts; the members are set once here and never replaced.
#pragma once

#include <memory>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "notify/dispatch_store.h"
#include "notify/dispatcher.h"
#include "notify/smtp_sender.h"
#include "notify/webhook_sender.h"

namespace pantau {

struct NotifyService {
  std::unique_ptr<DispatchStore> store;
  std::unique_ptr<SmtpSender> smtp;  // null: email is off
  std::unique_ptr<WebhookSender> webhook_sender;
  std::unique_ptr<Dispatcher> dispatcher;  // last: destroyed (stopped) first
};

// InvalidArgument names the setting that is wrong (an unreadable password or token file, a bad
// From address, a password that would travel in clear).
Result<std::unique_ptr<NotifyService>> OpenNotify(const Config& config, const Clock& clock);

}  // namespace pantau
