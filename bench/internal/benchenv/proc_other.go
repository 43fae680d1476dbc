//go:build !linux

package benchenv

import "syscall"

// stopWithParent does nothing: only Linux lets a child ask to be signalled
// when its parent dies.
func stopWithParent(*syscall.SysProcAttr) {}
