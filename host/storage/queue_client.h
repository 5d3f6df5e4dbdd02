// QueueClient: the Queue service operations the host's queue output binding
// and queue trigger need. One client per storage account; thread safe.
//
// Message bodies are base64-encoded on the wire by default, as Azure
// Functions writes and expects them (host.json extensions.queues.messageEncoding
// "base64"); MessageEncoding::kNone sends the text as is (XML-escaped).
#ifndef PYFN_HOST_STORAGE_QUEUE_CLIENT_H_
#define PYFN_HOST_STORAGE_QUEUE_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/storage/connection_string.h"
#include "host/storage/http.h"
#include "host/storage/service.h"

namespace pyfn {
namespace storage {

enum class MessageEncoding { kBase64, kNone };

struct QueueClientOptions {
  MessageEncoding encoding = MessageEncoding::kBase64;
};

struct QueueMessage {
  std::string id;
  std::string pop_receipt;  // needed to delete or update; changes on each update
  std::string text;         // MessageText exactly as stored (base64 when encoded)
  int dequeue_count = 0;    // 0 for messages that were only put or peeked
  // RFC 1123 strings as the service sent them, and the same as Unix seconds.
  std::string insertion_time, expiration_time, time_next_visible;
  int64_t insertion_time_unix = 0, expiration_time_unix = 0, time_next_visible_unix = 0;
};

struct PutMessageOptions {
  int visibility_timeout_seconds = 0;  // hidden this long after the put
  int ttl_seconds = 0;                 // 0 = the service default (7 days); -1 = never expires
};

class QueueClient {
 public:
  // transport must outlive the client. clock defaults to the system clock.
  QueueClient(const StorageAccount& account, HttpTransport* transport,
              QueueClientOptions options = QueueClientOptions(), Clock clock = nullptr);

  const StorageAccount& account() const { return service_.account(); }

  // Creates the queue; OK when it already exists.
  Status CreateQueue(const std::string& queue, bool* created = nullptr);
  Status DeleteQueue(const std::string& queue);
  // Approximate number of messages (x-ms-approximate-messages-count).
  Status GetApproximateMessageCount(const std::string& queue, int64_t* count);

  // Adds one message whose body is encoded per the client's encoding. *sent
  // (optional) receives id, pop receipt and times (text stays empty).
  Status PutMessage(const std::string& queue, std::string_view body,
                    const PutMessageOptions& options = PutMessageOptions(),
                    QueueMessage* sent = nullptr);

  // Dequeues up to max_messages (1..32), each hidden for
  // visibility_timeout_seconds (1..604800, 0 = the service default of 30 s).
  // An empty queue gives OK and no messages.
  Status GetMessages(const std::string& queue, int max_messages, int visibility_timeout_seconds,
                     std::vector<QueueMessage>* messages);
  // Looks without dequeuing (no pop receipts).
  Status PeekMessages(const std::string& queue, int max_messages,
                      std::vector<QueueMessage>* messages);

  // NotFound (MessageNotFound) when the message is gone; a stale pop receipt
  // (the message was dequeued again or updated) is a 400 with error_code()
  // "PopReceiptMismatch".
  Status DeleteMessage(const std::string& queue, const std::string& id,
                       const std::string& pop_receipt);
  // Makes the message visible again after visibility_timeout_seconds (0 =
  // at once). message->pop_receipt and time_next_visible are updated.
  Status UpdateVisibility(const std::string& queue, QueueMessage* message,
                          int visibility_timeout_seconds);
  Status ClearMessages(const std::string& queue);

  // The message body per the client's encoding. InvalidArgument naming the
  // message id when the text is not valid base64.
  Status DecodeBody(const QueueMessage& message, std::string* body) const;

 private:
  Status ParseMessages(const std::string& operation, const std::string& queue,
                       const HttpResponse& resp, std::vector<QueueMessage>* messages) const;

  ServiceClient service_;
  const QueueClientOptions options_;
};

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_QUEUE_CLIENT_H_
