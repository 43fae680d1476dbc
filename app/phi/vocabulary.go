package phi

// The de-identified way to describe a patient on a form: an age band rather
// than an age (Safe Harbor allows ages over 89 only as one group, "90+"),
// and a sex. Cases and consults both ask for them.
var (
	AgeBands = []string{"neonate", "infant", "child", "adolescent", "18-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90+"}
	Sexes    = []string{"female", "male", "other"}
	// SexLabels name Sexes on a form.
	SexLabels = map[string]string{"female": "Female", "male": "Male", "other": "Other"}
)
