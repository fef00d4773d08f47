#include "notify/notify_service.h"

#include <algorithm>

#include "notify/curl_easy.h"

namespace pantau {

Result<std::unique_ptr<NotifyService>> OpenNotify(const Config& config, const Clock& clock) {
  const Config::Notify& n = config.notify;
  auto service = std::make_unique<NotifyService>();
  DispatcherOptions options;
  if (!n.smtp.url.empty()) {
    ASSIGN_OR_RETURN(options.from, ParseMailbox(n.smtp.from, "notify.smtp.from"));
    SmtpOptions smtp;
    smtp.url = n.smtp.url;
    if (!n.smtp.starttls.empty()) {
      ASSIGN_OR_RETURN(smtp.starttls, ParseStartTls(n.smtp.starttls));
    }
    smtp.username = n.smtp.username;
    smtp.password_file = n.smtp.password_file;
    smtp.ca_file = n.smtp.ca_file;
    smtp.total_timeout = std::chrono::seconds(n.smtp.timeout_s);
    smtp.connect_timeout = std::chrono::seconds(std::min(15, n.smtp.timeout_s));
    ASSIGN_OR_RETURN(service->smtp, SmtpSender::Create(std::move(smtp)));
  }
  std::vector<Webhook> hooks;
  for (size_t i = 0; i < n.webhooks.size(); ++i) {
    const Config::Notify::Webhook& c = n.webhooks[i];
    const std::string what = "notify.webhooks[" + std::to_string(i) + "]";
    Webhook hook;
    ASSIGN_OR_RETURN(hook.kind, ParseWebhookKind(c.kind));
    hook.url = c.url;
    hook.chat_id = c.chat_id;
    hook.events = c.events;
    if (hook.kind == WebhookKind::kTelegram) {
      ASSIGN_OR_RETURN(hook.token,
                       notify_internal::ReadSecretFile(c.token_file, what + ".token_file"));
    }
    RETURN_IF_ERROR(CheckWebhook(hook, what));
    hooks.push_back(std::move(hook));
  }
  ASSIGN_OR_RETURN(service->store, DispatchStore::Open(config.data_dir, clock));
  service->webhook_sender = std::make_unique<WebhookSender>(WebhookOptions{});
  service->dispatcher =
      std::make_unique<Dispatcher>(*service->store, service->smtp.get(), *service->webhook_sender,
                                   std::move(hooks), clock, std::move(options));
  return service;
}

}  // namespace pantau
