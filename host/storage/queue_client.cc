#include "host/storage/queue_client.h"

#include <cstdlib>

#include "host/storage/encoding.h"
#include "host/storage/xml.h"

namespace pyfn {
namespace storage {

QueueClient::QueueClient(const StorageAccount& account, HttpTransport* transport,
                         QueueClientOptions options, Clock clock)
    : service_(account, account.queue_endpoint, transport, std::move(clock)), options_(options) {}

Status QueueClient::CreateQueue(const std::string& queue, bool* created) {
  HttpRequest req;
  req.method = "PUT";
  req.url = service_.Url(UrlEncode(queue));
  HttpResponse resp;
  Status s = service_.Call("CreateQueue", queue, &req, &resp);
  // 201 = created, 204 = it already existed with the same metadata.
  if (created) *created = s.ok() && resp.status == 201;
  if (s.IsConflict() && s.error_code() == "QueueAlreadyExists") return Status::OK();
  return s;
}

Status QueueClient::DeleteQueue(const std::string& queue) {
  HttpRequest req;
  req.method = "DELETE";
  req.url = service_.Url(UrlEncode(queue));
  HttpResponse resp;
  return service_.Call("DeleteQueue", queue, &req, &resp);
}

Status QueueClient::GetApproximateMessageCount(const std::string& queue, int64_t* count) {
  HttpRequest req;
  req.url = service_.Url(UrlEncode(queue), "comp=metadata");
  HttpResponse resp;
  Status s = service_.Call("GetQueueMetadata", queue, &req, &resp);
  if (s.ok())
    *count =
        std::strtoll(resp.HeaderOr("x-ms-approximate-messages-count", "0").c_str(), nullptr, 10);
  return s;
}

Status QueueClient::PutMessage(const std::string& queue, std::string_view body,
                               const PutMessageOptions& options, QueueMessage* sent) {
  std::string query;
  auto add = [&query](const std::string& kv) { query += (query.empty() ? "" : "&") + kv; };
  if (options.visibility_timeout_seconds > 0) {
    add("visibilitytimeout=" + std::to_string(options.visibility_timeout_seconds));
  }
  if (options.ttl_seconds != 0) add("messagettl=" + std::to_string(options.ttl_seconds));
  HttpRequest req;
  req.method = "POST";
  req.url = service_.Url(UrlEncode(queue) + "/messages", query);
  std::string text =
      options_.encoding == MessageEncoding::kBase64 ? Base64Encode(body) : std::string(body);
  req.body = "<QueueMessage><MessageText>" + XmlEscape(text) + "</MessageText></QueueMessage>";
  req.SetHeader("Content-Type", "application/xml");
  HttpResponse resp;
  Status s = service_.Call("PutMessage", queue, &req, &resp);
  if (!s.ok() || sent == nullptr) return s;
  std::vector<QueueMessage> msgs;
  s = ParseMessages("PutMessage", queue, resp, &msgs);
  if (s.ok()) *sent = msgs.empty() ? QueueMessage() : msgs.front();
  return s;
}

Status QueueClient::ParseMessages(const std::string& operation, const std::string& queue,
                                  const HttpResponse& resp,
                                  std::vector<QueueMessage>* messages) const {
  messages->clear();
  XmlElement root;
  Status s = ParseXml(resp.body, &root);
  if (!s.ok() || root.name != "QueueMessagesList") {
    return Status::Corrupt(service_.Context(operation, queue) +
                           ": answer is not a QueueMessagesList document" +
                           (s.ok() ? "" : " (" + s.message() + ")"));
  }
  for (const auto& m : root.children) {
    if (m.name != "QueueMessage") continue;
    QueueMessage q;
    q.id = m.ChildText("MessageId");
    q.pop_receipt = m.ChildText("PopReceipt");
    q.text = m.ChildText("MessageText");
    q.dequeue_count = std::atoi(m.ChildText("DequeueCount").c_str());
    q.insertion_time = m.ChildText("InsertionTime");
    q.expiration_time = m.ChildText("ExpirationTime");
    q.time_next_visible = m.ChildText("TimeNextVisible");
    ParseRfc1123(q.insertion_time, &q.insertion_time_unix);
    ParseRfc1123(q.expiration_time, &q.expiration_time_unix);
    ParseRfc1123(q.time_next_visible, &q.time_next_visible_unix);
    messages->push_back(std::move(q));
  }
  return Status::OK();
}

Status QueueClient::GetMessages(const std::string& queue, int max_messages,
                                int visibility_timeout_seconds,
                                std::vector<QueueMessage>* messages) {
  messages->clear();
  if (max_messages < 1 || max_messages > 32) {
    return Status::InvalidArgument(service_.Context("GetMessages", queue) +
                                   ": max_messages must be 1..32 (got " +
                                   std::to_string(max_messages) + ")");
  }
  std::string query = "numofmessages=" + std::to_string(max_messages);
  if (visibility_timeout_seconds > 0) {
    query += "&visibilitytimeout=" + std::to_string(visibility_timeout_seconds);
  }
  HttpRequest req;
  req.url = service_.Url(UrlEncode(queue) + "/messages", query);
  HttpResponse resp;
  Status s = service_.Call("GetMessages", queue, &req, &resp);
  if (!s.ok()) return s;
  return ParseMessages("GetMessages", queue, resp, messages);
}

Status QueueClient::PeekMessages(const std::string& queue, int max_messages,
                                 std::vector<QueueMessage>* messages) {
  messages->clear();
  if (max_messages < 1 || max_messages > 32) {
    return Status::InvalidArgument(service_.Context("PeekMessages", queue) +
                                   ": max_messages must be 1..32");
  }
  HttpRequest req;
  req.url = service_.Url(UrlEncode(queue) + "/messages",
                         "peekonly=true&numofmessages=" + std::to_string(max_messages));
  HttpResponse resp;
  Status s = service_.Call("PeekMessages", queue, &req, &resp);
  if (!s.ok()) return s;
  return ParseMessages("PeekMessages", queue, resp, messages);
}

Status QueueClient::DeleteMessage(const std::string& queue, const std::string& id,
                                  const std::string& pop_receipt) {
  HttpRequest req;
  req.method = "DELETE";
  req.url = service_.Url(UrlEncode(queue) + "/messages/" + UrlEncode(id),
                         "popreceipt=" + UrlEncode(pop_receipt));
  HttpResponse resp;
  return service_.Call("DeleteMessage", queue + " " + id, &req, &resp);
}

Status QueueClient::UpdateVisibility(const std::string& queue, QueueMessage* message,
                                     int visibility_timeout_seconds) {
  HttpRequest req;
  req.method = "PUT";
  req.url = service_.Url(UrlEncode(queue) + "/messages/" + UrlEncode(message->id),
                         "popreceipt=" + UrlEncode(message->pop_receipt) +
                             "&visibilitytimeout=" + std::to_string(visibility_timeout_seconds));
  HttpResponse resp;
  Status s = service_.Call("UpdateMessage", queue + " " + message->id, &req, &resp);
  if (!s.ok()) return s;
  message->pop_receipt = resp.HeaderOr("x-ms-popreceipt", message->pop_receipt);
  message->time_next_visible = resp.HeaderOr("x-ms-time-next-visible");
  ParseRfc1123(message->time_next_visible, &message->time_next_visible_unix);
  return s;
}

Status QueueClient::ClearMessages(const std::string& queue) {
  HttpRequest req;
  req.method = "DELETE";
  req.url = service_.Url(UrlEncode(queue) + "/messages");
  HttpResponse resp;
  return service_.Call("ClearMessages", queue, &req, &resp);
}

Status QueueClient::DecodeBody(const QueueMessage& message, std::string* body) const {
  if (options_.encoding == MessageEncoding::kNone) {
    *body = message.text;
    return Status::OK();
  }
  if (!Base64Decode(message.text, body)) {
    return Status::InvalidArgument("queue message " + message.id + " is not valid base64");
  }
  return Status::OK();
}

}  // namespace storage
}  // namespace pyfn
