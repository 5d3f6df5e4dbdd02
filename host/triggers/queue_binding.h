// QueueBinding: the host side of the queue output binding (spec B6).
//
// After the function returns, its value becomes queue messages: a str or
// bytes is one message, a JSON array one message per element (strings as
// their text, anything else as its JSON), a func.QueueMessage ({"id",
// "body"} from the library) its body, any other JSON value its JSON text.
// The queue (binding expressions allowed in queueName) is created when
// missing; bodies are base64-encoded unless host.json says
// extensions.queues.messageEncoding "none". Queue triggers in this host are
// told at once (Azure's SharedQueueWatcher).
#ifndef PYFN_HOST_QUEUE_BINDING_H_
#define PYFN_HOST_QUEUE_BINDING_H_

#include <string>
#include <vector>

#include "host/triggers/blocking_binding.h"

namespace pyfn {

class QueueBinding : public BlockingBinding {
 public:
  // runtime must outlive this object.
  explicit QueueBinding(StorageRuntime* runtime)
      : BlockingBinding(runtime, "use a queueTrigger to read messages") {}

  std::vector<std::string> Types() const override { return {"queue"}; }
  // Azure has no queue input binding: Read fails naming the binding.
  Status Write(const BindingContext& ctx, const rpc::TypedData& value) override;
};

// The message bodies a value becomes (see above). InvalidArgument naming the
// type for values that cannot be messages.
Status QueueMessagesFromTypedData(const rpc::TypedData& value, std::vector<std::string>* messages);

}  // namespace pyfn

#endif  // PYFN_HOST_QUEUE_BINDING_H_
