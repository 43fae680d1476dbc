package benchenv

import "syscall"

// stopWithParent has the kernel send SIGTERM to the child when the thread
// that started it dies, which for a Go program is in practice its death.
func stopWithParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGTERM }
