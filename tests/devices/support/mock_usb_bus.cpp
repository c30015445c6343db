#include "mock_usb_bus.h"

#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <umockdev.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>

namespace tinyforge::test {

// One plugged device: its model and the URBs completed but not yet reaped by the host.
struct MockUsbBus::Slot {
    UsbDeviceModel* model = nullptr;
    UMockdevIoctlBase* handler = nullptr;
    std::string sysPath;
    struct Done {
        UMockdevIoctlData* urb;  // the client's struct usbdevfs_urb, with its buffer resolved as a child
        UMockdevIoctlData* buffer;
        UsbReply reply;
    };
    std::deque<Done> done;
    std::mutex mutex;
};

struct MockUsbBus::Impl {
    UMockdevTestbed* testbed = nullptr;
    std::map<int, std::unique_ptr<Slot>> slots;
};

namespace {

std::string hex(const std::vector<std::uint8_t>& bytes) {
    std::string text;
    char pair[3];
    for (auto b : bytes) {
        std::snprintf(pair, sizeof pair, "%02x", b);
        text += pair;
    }
    return text;
}

// A control URB: the setup packet leads the buffer; the model answers at once and the URB waits to be reaped.
void submit(MockUsbBus::Slot& slot, UMockdevIoctlClient* client, UMockdevIoctlData* arg) {
    UMockdevIoctlData* urbData = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_urb), nullptr);
    auto* urb = reinterpret_cast<usbdevfs_urb*>(urbData->data);
    if (urb->type != USBDEVFS_URB_TYPE_CONTROL || urb->buffer_length < 8) {
        umockdev_ioctl_data_unref(urbData);
        umockdev_ioctl_client_complete(client, -1, EINVAL);
        return;
    }
    UMockdevIoctlData* buffer = umockdev_ioctl_data_resolve(urbData, offsetof(usbdevfs_urb, buffer), static_cast<gsize>(urb->buffer_length), nullptr);
    const std::uint8_t* b = buffer->data;
    const SetupPacket setup{b[0], b[1], static_cast<std::uint16_t>(b[2] | b[3] << 8), static_cast<std::uint16_t>(b[4] | b[5] << 8),
                            static_cast<std::uint16_t>(b[6] | b[7] << 8)};
    const std::size_t outLength = setup.in() ? 0 : std::min<std::size_t>(setup.length, static_cast<std::size_t>(urb->buffer_length - 8));
    UsbReply reply = slot.model->control(setup, {b + 8, outLength});
    if (reply.kind == UsbReply::Kind::vanished) {
        umockdev_ioctl_data_unref(buffer);
        umockdev_ioctl_data_unref(urbData);
        umockdev_ioctl_client_complete(client, -1, ENODEV);
        return;
    }
    {
        std::lock_guard lock(slot.mutex);
        slot.done.push_back({urbData, buffer, std::move(reply)});
    }
    umockdev_ioctl_client_complete(client, 0, 0);
}

// Hands the oldest completed URB back: status, actual length and, for IN requests, the data after the setup packet.
void reap(MockUsbBus::Slot& slot, UMockdevIoctlClient* client, UMockdevIoctlData* arg) {
    MockUsbBus::Slot::Done d;
    {
        std::lock_guard lock(slot.mutex);
        if (slot.done.empty()) {
            umockdev_ioctl_client_complete(client, -1, slot.model->gone() ? ENODEV : EAGAIN);
            return;
        }
        d = slot.done.front();
        slot.done.pop_front();
    }
    auto* urb = reinterpret_cast<usbdevfs_urb*>(d.urb->data);
    const std::uint16_t length = static_cast<std::uint16_t>(d.buffer->data[6] | d.buffer->data[7] << 8);
    if (d.reply.kind == UsbReply::Kind::stall) {
        urb->status = -EPIPE;
        urb->actual_length = 0;
    } else if (d.buffer->data[0] & 0x80) {
        const std::size_t n = std::min({d.reply.data.size(), static_cast<std::size_t>(length), static_cast<std::size_t>(urb->buffer_length - 8)});
        std::memcpy(d.buffer->data + 8, d.reply.data.data(), n);
        urb->status = 0;
        urb->actual_length = static_cast<int>(n);
    } else {
        urb->status = 0;
        urb->actual_length = length;
    }
    UMockdevIoctlData* pointer = umockdev_ioctl_data_resolve(arg, 0, sizeof(void*), nullptr);
    umockdev_ioctl_data_set_ptr(pointer, 0, d.urb);
    umockdev_ioctl_client_complete(client, 0, 0);
    umockdev_ioctl_data_unref(pointer);
    umockdev_ioctl_data_unref(d.buffer);
    umockdev_ioctl_data_unref(d.urb);
}

gboolean onIoctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer user) {
    auto& slot = *static_cast<MockUsbBus::Slot*>(user);
    const unsigned long request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
    if (slot.model->gone() && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY) {
        umockdev_ioctl_client_complete(client, -1, ENODEV);
        return TRUE;
    }
    switch (request) {
    case USBDEVFS_GET_CAPABILITIES: {
        UMockdevIoctlData* caps = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), nullptr);
        *reinterpret_cast<guint32*>(caps->data) = USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
        umockdev_ioctl_client_complete(client, 0, 0);
        umockdev_ioctl_data_unref(caps);
        return TRUE;
    }
    case USBDEVFS_GETDRIVER:
        umockdev_ioctl_client_complete(client, -1, ENODATA);  // no kernel driver bound
        return TRUE;
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_RELEASEINTERFACE:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESET:
        umockdev_ioctl_client_complete(client, 0, 0);
        return TRUE;
    case USBDEVFS_SETINTERFACE: {
        UMockdevIoctlData* s = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_setinterface), nullptr);
        const auto* set = reinterpret_cast<const usbdevfs_setinterface*>(s->data);
        slot.model->setAlternate(static_cast<int>(set->interface), static_cast<int>(set->altsetting));
        umockdev_ioctl_client_complete(client, 0, 0);
        umockdev_ioctl_data_unref(s);
        return TRUE;
    }
    case USBDEVFS_SUBMITURB: submit(slot, client, arg); return TRUE;
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY: reap(slot, client, arg); return TRUE;
    case USBDEVFS_DISCARDURB: umockdev_ioctl_client_complete(client, -1, EINVAL); return TRUE;
    default: return FALSE;
    }
}

}  // namespace

MockUsbBus::MockUsbBus() : m_impl(std::make_unique<Impl>()) {
    const char* preload = std::getenv("LD_PRELOAD");
    if (!preload || !std::strstr(preload, "libumockdev-preload")) throw std::runtime_error("MockUsbBus needs libumockdev-preload.so (run under umockdev-wrapper)");
    m_impl->testbed = umockdev_testbed_new();
}

MockUsbBus::~MockUsbBus() {
    for (auto& [address, slot] : m_impl->slots) {
        umockdev_testbed_detach_ioctl(m_impl->testbed, ("/dev/bus/usb/001/" + std::string(3 - std::to_string(address).size(), '0') + std::to_string(address)).c_str(), nullptr);
        for (auto& d : slot->done) {
            umockdev_ioctl_data_unref(d.buffer);
            umockdev_ioctl_data_unref(d.urb);
        }
        g_object_unref(slot->handler);
    }
    g_object_unref(m_impl->testbed);
}

void MockUsbBus::plug(int address, UsbDeviceModel& model) {
    char number[4];
    std::snprintf(number, sizeof number, "%03d", address);
    const std::string node = std::string("/dev/bus/usb/001/") + number;
    auto slot = std::make_unique<Slot>();
    slot->model = &model;
    slot->handler = umockdev_ioctl_base_new();
    g_signal_connect(slot->handler, "handle-ioctl", G_CALLBACK(onIoctl), slot.get());
    GError* error = nullptr;
    if (!umockdev_testbed_attach_ioctl(m_impl->testbed, node.c_str(), slot->handler, &error)) {
        const std::string message = error ? error->message : "unknown";
        g_clear_error(&error);
        throw std::runtime_error("umockdev: cannot attach " + node + ": " + message);
    }
    slot->sysPath = "/sys/devices/pci0000:00/usb1/1-" + std::to_string(address);
    const std::string record = "P: /devices/pci0000:00/usb1/1-" + std::to_string(address) + "\n"
                               "N: bus/usb/001/" + number + "\n"
                               "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\nE: BUSNUM=001\nE: DEVNUM=" + number + "\n"
                               "E: DEVNAME=" + node + "\n"
                               "A: busnum=1\\n\nA: devnum=" + std::to_string(address) + "\\n\nA: bConfigurationValue=1\\n\nA: speed=12\\n\n"
                               "H: descriptors=" + hex(model.descriptors()) + "\n";
    if (!umockdev_testbed_add_from_string(m_impl->testbed, record.c_str(), &error)) {
        const std::string message = error ? error->message : "unknown";
        g_clear_error(&error);
        throw std::runtime_error("umockdev: cannot add " + node + ": " + message);
    }
    m_impl->slots[address] = std::move(slot);
}

void MockUsbBus::unplug(int address) {
    auto it = m_impl->slots.find(address);
    if (it == m_impl->slots.end()) return;
    umockdev_testbed_uevent(m_impl->testbed, it->second->sysPath.c_str(), "remove");
    umockdev_testbed_remove_device(m_impl->testbed, it->second->sysPath.c_str());
}

std::map<std::string, std::string> MockUsbBus::childEnvironment() const {
    gchar* root = umockdev_testbed_get_root_dir(m_impl->testbed);
    std::map<std::string, std::string> env{{"UMOCKDEV_DIR", root}, {"LD_PRELOAD", "libumockdev-preload.so.0"}};
    g_free(root);
    return env;
}

}  // namespace tinyforge::test
