package chat

import (
	"time"

	"github.com/gorilla/websocket"
)

// A socket's writer runs only while it has something to write: most
// sockets are idle most of the time, and a parked goroutine's stack is a
// third of an idle socket's memory. Pings are queued like frames (a nil
// frame) by the hub's ticker, so an idle socket needs no timer either.

// kick starts the writer unless it runs. A producer puts its frame in the
// queue before kicking, and the writer stops only after finding the queue
// empty under wmu, so no frame is left behind.
func (c *client) kick() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.writing || c.finished {
		return
	}
	c.writing = true
	go c.writeLoop()
}

// ping queues a ping, unless the queue is full (the socket is busy, and
// will be cut if it stays so).
func (c *client) ping() {
	select {
	case c.send <- nil:
		c.kick()
	default:
	}
}

func (c *client) writeLoop() {
	for {
		select {
		case <-c.done:
			c.finish()
			return
		default:
		}
		select {
		case frame := <-c.send:
			if err := c.write(frame); err != nil {
				c.closeWith(websocket.CloseAbnormalClosure, "")
				c.finish()
				return
			}
		case <-c.done:
			c.finish()
			return
		default:
			c.wmu.Lock()
			if len(c.send) == 0 {
				c.writing = false
				c.wmu.Unlock()
				return
			}
			c.wmu.Unlock()
		}
	}
}

func (c *client) write(frame []byte) error {
	if frame == nil {
		return c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait))
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

// finish writes what is already queued (an error frame before a close),
// within flushWait, then the close frame, and closes the connection.
func (c *client) finish() {
	c.wmu.Lock()
	c.finished, c.writing = true, false
	c.wmu.Unlock()
	deadline := time.Now().Add(flushWait)
	_ = c.ws.SetWriteDeadline(deadline)
	for draining := true; draining; {
		select {
		case frame := <-c.send:
			if frame != nil && c.ws.WriteMessage(websocket.TextMessage, frame) != nil {
				draining = false
			}
		default:
			draining = false
		}
	}
	msg := websocket.FormatCloseMessage(c.closeCode, c.closeWhy)
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_ = c.ws.Close()
}
