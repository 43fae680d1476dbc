package phi

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// The table below is the specification of Scan: sentences as physicians
// write them in case posts, consult questions and chat. A positive lists the
// findings it must produce (kind and exact text; other findings are allowed);
// a negative must produce none. TestScanTable measures recall and the false
// alarm rate over the whole table instead of failing on the first miss, so
// that the rules can be tuned against it.

type want struct{ kind, text string }

type positive struct {
	in   string
	want []want
}

// pos builds a positive from a sentence and kind, text pairs.
func pos(in string, kindText ...string) positive {
	p := positive{in: in}
	for i := 0; i+1 < len(kindText); i += 2 {
		p.want = append(p.want, want{kindText[i], kindText[i+1]})
	}
	return p
}

var positives = []positive{
	// Social Security numbers
	pos("Insurance paperwork lists SSN 123-45-6789, please redact before the tumor board.", "ssn", "123-45-6789"),
	pos("Her social security number (234 56 7890) was visible on the scanned referral.", "ssn", "234 56 7890"),
	pos("Registration pasted 321-54-9876 into the free-text field by mistake.", "ssn", "321-54-9876"),
	pos("SSN: 456-78-1234 appears on the outside records.", "ssn", "456-78-1234"),
	pos("The discharge summary header still shows social security no. 078-05-1120.", "ssn", "078-05-1120"),
	pos("Pt's SSN ending in 4421 was read aloud on the recorded call.", "ssn", "4421"),
	pos("ID on the form: 555-12-3456 (SSN), DOB redacted.", "ssn", "555-12-3456"),
	pos("Can someone remove the 212-45-7788 from my last message? That's his SSN.", "ssn", "212-45-7788"),

	// Phone numbers
	pos("Call her daughter at (555) 123-4567 if she deteriorates.", "phone", "(555) 123-4567"),
	pos("Outside cardiologist's cell is 555-867-5309, happy to share by DM.", "phone", "555-867-5309"),
	pos("Wife can be reached on 555.234.9876 after 5 pm.", "phone", "555.234.9876"),
	pos("Son lives abroad now, reachable at +1 555 123 4567.", "phone", "+1 555 123 4567"),
	pos("Family contact: 1-800-555-0199 (answering service).", "phone", "1-800-555-0199"),
	pos("Patient gave her mobile, 5551234567, to the night team.", "phone", "5551234567"),
	pos("His home phone 555-0147 is on the face sheet.", "phone", "555-0147"),
	pos("Contact the sister in London on +44 20 7946 0958.", "phone", "+44 20 7946 0958"),
	pos("Tel: (312) 555-0198 for the outside PCP.", "phone", "(312) 555-0198"),
	pos("Neighbour who found him: 555 246 8100.", "phone", "555 246 8100"),
	pos("pager 555-302-1188 is the attending's, not the fellow's", "phone", "555-302-1188"),
	pos("She texted me from 555-219-4430 asking about the biopsy.", "phone", "555-219-4430"),

	// Fax numbers
	pos("Please fax the echo report to 555-123-4568.", "fax", "555-123-4568"),
	pos("Fax: (555) 987-6543, attention Dr. Lee.", "fax", "(555) 987-6543", "name", "Lee"),
	pos("Records office F: 555.222.3333", "fax", "555.222.3333"),
	pos("Phone 555-201-4000, fax 555-201-4001 for the outside oncology clinic.", "phone", "555-201-4000", "fax", "555-201-4001"),
	pos("Faxed the path slides request to (617) 555-0142 yesterday.", "fax", "(617) 555-0142"),
	pos("facsimile 555-444-1212 on the referral letterhead", "fax", "555-444-1212"),
	pos("Send the signed consent to their fax number 555-330-2020.", "fax", "555-330-2020"),

	// E-mail addresses
	pos("Her son emailed me at tom.jenkins77@gmail.com with the outside scans.", "email", "tom.jenkins77@gmail.com"),
	pos("Reply to jdoe@hospital.org for the path slides.", "email", "jdoe@hospital.org"),
	pos("Outside records came from records-dept@stmarys-health.net.", "email", "records-dept@stmarys-health.net"),
	pos("Patient's wife wrote to mary_smith+health@yahoo.co.uk asking for results.", "email", "mary_smith+health@yahoo.co.uk"),
	pos("contact: a.nguyen@med.university.edu", "email", "a.nguyen@med.university.edu"),
	pos("Can you cc patel.r@clinic.com on the consult?", "email", "patel.r@clinic.com"),
	pos("The family's email (hernandez.family@outlook.com) is in the chart.", "email", "hernandez.family@outlook.com"),
	pos("FYI his work email robert.k@acme-logistics.com was on the photo of the bracelet.", "email", "robert.k@acme-logistics.com"),

	// URLs
	pos("His GoFundMe page https://www.gofundme.com/f/help-john-recover has the full story.", "url", "https://www.gofundme.com/f/help-john-recover"),
	pos("She posted the rash on https://instagram.com/p/Cx1abc23/ before coming in.", "url", "https://instagram.com/p/Cx1abc23/"),
	pos("Photos of the wound are at https://imgur.com/a/Xy12Ab3", "url", "https://imgur.com/a/Xy12Ab3"),
	pos("The obituary (https://www.legacy.com/us/obituaries/name/margaret-oneil-obituary) mentions the diagnosis.", "url", "https://www.legacy.com/us/obituaries/name/margaret-oneil-obituary"),
	pos("Portal link: https://mychart.examplehealth.org/patient/12345678", "url", "https://mychart.examplehealth.org/patient/12345678"),
	pos("see https://intranet.example-hospital.org/emr/chart?mrn=00234567 for the images", "url", "https://intranet.example-hospital.org/emr/chart?mrn=00234567"),
	pos("Video of the seizure: https://youtu.be/dQw4w9WgXcQ", "url", "https://youtu.be/dQw4w9WgXcQ"),
	pos("Her journal www.caringbridge.org/visit/annasmith describes the course.", "url", "www.caringbridge.org/visit/annasmith"),
	pos("Shared folder: https://drive.google.com/drive/folders/1AbCdEfGh", "url", "https://drive.google.com/drive/folders/1AbCdEfGh"),
	pos("He linked his profile facebook.com/robert.h.miller in the chat.", "url", "facebook.com/robert.h.miller"),
	pos("Dermatology photo set: https://photos.example-derm.com/users/88231/album", "url", "https://photos.example-derm.com/users/88231/album"),
	pos("Outside report: https://example-clinic.org/records/view?patient_id=55821.", "url", "https://example-clinic.org/records/view?patient_id=55821"),
	pos("Her blog https://blog.example.net/sarah-miller/diagnosis-day describes the whole thing.", "url", "https://blog.example.net/sarah-miller/diagnosis-day"),

	// IP addresses
	pos("The PACS viewer at 10.24.3.118 still shows her name in the header.", "ip", "10.24.3.118"),
	pos("Screenshot includes the workstation IP 192.168.1.45 and the login.", "ip", "192.168.1.45"),
	pos("Access log: 172.16.254.1 pulled the chart twice.", "ip", "172.16.254.1"),
	pos("Device telemetry came from 2001:db8:85a3::8a2e:370:7334 per the vendor.", "ip", "2001:db8:85a3::8a2e:370:7334"),
	pos("Remote monitoring server fe80::1ff:fe23:4567:890a logged the shock.", "ip", "fe80::1ff:fe23:4567:890a"),
	pos("VPN address 203.0.113.77 was in the screenshot.", "ip", "203.0.113.77"),

	// Dates
	pos("Admitted on 3/4/2024 with fever and neutropenia.", "date", "3/4/2024"),
	pos("Echo from 03/04/24 showed EF 35%.", "date", "03/04/24"),
	pos("CT abdomen 2024-03-04 was unremarkable.", "date", "2024-03-04"),
	pos("She was seen in clinic on March 3rd and started on prednisone.", "date", "March 3rd"),
	pos("Biopsy on the 3rd of March confirmed adenocarcinoma.", "date", "3rd of March"),
	pos("Symptoms began Mar 3 after a camping trip.", "date", "Mar 3"),
	pos("Surgery was March 3, 2024 at the outside hospital.", "date", "March 3, 2024"),
	pos("Last seen well on 12 Jan before the fall.", "date", "12 Jan"),
	pos("DOB 07/14/1931 on the requisition.", "date", "07/14/1931"),
	pos("Discharged 2023-11-28T14:30 to SNF.", "date", "2023-11-28T14:30"),
	pos("MRI brain March 2024 showed new enhancing lesions.", "date", "March 2024"),
	pos("Diagnosed in 03/2021 with stage III colon cancer.", "date", "03/2021"),
	pos("Stopped apixaban on 3/4 for the procedure.", "date", "3/4"),
	pos("Last chemo cycle was 14 February 2024.", "date", "14 February 2024"),
	pos("Cultures from 11.02.2024 grew MSSA.", "date", "11.02.2024"),
	pos("Flu vaccine given Oct 12, 2023 at the pharmacy.", "date", "Oct 12, 2023"),
	pos("He had his first seizure on July 4th while camping.", "date", "July 4th"),
	pos("Recurrence noted in Sept 2022.", "date", "Sept 2022"),
	pos("Troponin peaked on 2024/01/15.", "date", "2024/01/15"),
	pos("Since 12/24 she has had intermittent melena.", "date", "12/24"),
	pos("Presented on Christmas Eve with chest pain.", "date", "Christmas Eve"),
	pos("The fall happened on the 21st of December.", "date", "21st of December"),
	pos("Baseline creatinine from Jan. 5 was 0.9.", "date", "Jan. 5"),
	pos("Date of death: 4/12/23.", "date", "4/12/23"),
	pos("PET/CT 2023-09 showed FDG-avid nodes.", "date", "2023-09"),
	pos("Started on dialysis June 2019.", "date", "June 2019"),
	pos("Admitted 9-14-2023 via the ED.", "date", "9-14-2023"),
	pos("She fell on Thanksgiving and lay on the floor overnight.", "date", "Thanksgiving"),
	pos("Her last colonoscopy was December 2, 2019 (normal).", "date", "December 2, 2019"),
	pos("Follow-up imaging scheduled for Apr 30.", "date", "Apr 30"),
	pos("EGD dated 5/6 showed LA grade C esophagitis.", "date", "5/6"),
	pos("Was in Mexico from 6/1 to 6/15 before symptom onset.", "date", "6/1"),
	pos("Labs drawn on 10/3 at 0600 showed K 6.1.", "date", "10/3"),
	pos("Mother's DOB was 1/2/1940 per the family.", "date", "1/2/1940"),
	pos("Rash started around Feb '23 and never fully cleared.", "date", "Feb '23"),

	// Ages over 89
	pos("92-year-old woman with severe aortic stenosis, TAVR candidate?", "age", "92-year-old"),
	pos("Patient is aged 95 and lives independently.", "age", "aged 95"),
	pos("95 yo M with sepsis from a urinary source.", "age", "95 yo M"),
	pos("Consult for a 90 y/o man with new AF.", "age", "90 y/o"),
	pos("At age 101 she is still gardening.", "age", "age 101"),
	pos("A 93-year-old retired teacher presents with syncope.", "age", "93-year-old"),
	pos("94 year old man, DNR, presenting with hip fracture.", "age", "94 year old"),
	pos("Our patient, 97 years of age, declined dialysis.", "age", "97 years of age"),
	pos("She celebrated her 100th birthday last week.", "age", "100th birthday"),
	pos("He is in his late 90s and lives alone.", "age", "90s"),
	pos("A nonagenarian with frailty and recurrent falls.", "age", "nonagenarian"),
	pos("91M with fever and confusion.", "age", "91M"),
	pos("Centenarian admitted with pneumonia, family wants everything done.", "age", "Centenarian"),
	pos("Age: 96, CFS 7, from a nursing home.", "age", "Age: 96"),
	pos("At the age of 92 he had his first MI.", "age", "age of 92"),
	pos("98yo F, PMH AF, CKD 3b, on apixaban.", "age", "98yo F"),
	pos("Thoughts on a 99-yr-old with critical AS?", "age", "99-yr-old"),

	// Medical record numbers
	pos("MRN 1234567 — can someone pull the outside films?", "mrn", "1234567"),
	pos("MR# 12345 at the outside hospital.", "mrn", "12345"),
	pos("Medical record number: 00482913, please don't post those.", "mrn", "00482913"),
	pos("mrn:8876543 in the screenshot header", "mrn", "8876543"),
	pos("Her hospital number is H0093421 per the discharge letter.", "mrn", "H0093421"),
	pos("Chart no. 556677 was on the sticker.", "mrn", "556677"),
	pos("Patient ID 4451-2219 visible on the ECG printout.", "mrn", "4451-2219"),
	pos("NHS number 943 476 5919 on the clinic letter.", "mrn", "943 476 5919"),
	pos("The ED note header shows MRN: 20394857 and the room number.", "mrn", "20394857"),
	pos("Med rec # 7766554 on the path requisition.", "mrn", "7766554"),

	// Account numbers
	pos("Billing asked about acct 998877 in the thread, please delete.", "account", "998877"),
	pos("Account no. 12345 appeared on the itemized bill she posted.", "account", "12345"),
	pos("Encounter number 55501234 is on the top of the ED note.", "account", "55501234"),
	pos("FIN 88120034 is visible in the screenshot.", "account", "88120034"),
	pos("His account # is 4400-1232-09.", "account", "4400-1232-09"),
	pos("Visit number V00231145 on the wristband.", "account", "V00231145"),
	pos("She read out her credit card number 4111 1111 1111 1111 during the telehealth visit.", "account", "4111 1111 1111 1111"),
	pos("Claim # CLM2023-884411 was denied twice.", "account", "CLM2023-884411"),

	// Health plan beneficiary numbers
	pos("Member ID ABC123456 was on the insurance card photo.", "health_plan", "ABC123456"),
	pos("Policy # XYZ-123-456 belongs to her husband.", "health_plan", "XYZ-123-456"),
	pos("Medicare number 1EG4-TE5-MK73 is in the scanned face sheet.", "health_plan", "1EG4-TE5-MK73"),
	pos("Medicaid ID 998877665 was in the referral.", "health_plan", "998877665"),
	pos("Health plan beneficiary number: HPB-77812 shows up in the PDF.", "health_plan", "HPB-77812"),
	pos("subscriber id W123456789 (BCBS)", "health_plan", "W123456789"),
	pos("Group number 00451 and member number 8823341 both visible.", "health_plan", "00451", "health_plan", "8823341"),
	pos("Insurance ID: UHC55512345", "health_plan", "UHC55512345"),

	// Certificate and license numbers
	pos("Prescriber DEA AB1234563 is on the photo of the script.", "license", "AB1234563"),
	pos("Her medical license number 12-345678 is in the signature.", "license", "12-345678"),
	pos("Driver's license D1234-56789-01234 was used for ID at check-in.", "license", "D1234-56789-01234"),
	pos("NPI 1234567893 appears under the signature line.", "license", "1234567893"),
	pos("Death certificate number 2023-00451 lists the cause as sepsis.", "license", "2023-00451"),
	pos("Passport no. K12345678 was scanned with the referral.", "license", "K12345678"),
	pos("License # RN654321 belongs to the home nurse.", "license", "RN654321"),
	pos("Birth certificate 1983-445566 is in the adoption records.", "license", "1983-445566"),

	// Device, vehicle and serial numbers
	pos("Pacemaker serial number PJN123456 per interrogation.", "device", "PJN123456"),
	pos("SN: 98765ABC on the pump photo.", "device", "98765ABC"),
	pos("ICD S/N 4412398 was included in the device report.", "device", "4412398"),
	pos("Device ID 00643169001763 from the label.", "device", "00643169001763"),
	pos("The insulin pump (serial # 7781-223) alarmed overnight.", "device", "7781-223"),
	pos("VIN 1HGCM82633A004352 from the crash report.", "device", "1HGCM82633A004352"),
	pos("License plate 7ABC123 was mentioned in the EMS narrative.", "device", "7ABC123"),
	pos("UDI 00884838035823 on the implant card.", "device", "00884838035823"),
	pos("CGM serial no. G6-8812345 read from the sensor box.", "device", "G6-8812345"),

	// Addresses and towns
	pos("She lives at 123 Main Street with her two cats.", "address", "123 Main Street"),
	pos("Found down at 45 Oak Ave by a neighbour.", "address", "45 Oak Ave"),
	pos("Mail the results to PO Box 12, per the family.", "address", "PO Box 12"),
	pos("Home address 7 N. Elm St., Apt 4B is on the bracelet.", "address", "7 N. Elm St., Apt 4B"),
	pos("Lives in Fresno with his wife.", "address", "Fresno"),
	pos("Farmer from Springfield, IL 62704 with possible histoplasmosis.", "address", "Springfield", "zip", "62704"),
	pos("Originally from Dayton, Ohio, moved here last year.", "address", "Dayton"),
	pos("Works at the plant in Cook County, exposure to solvents.", "address", "Cook County"),
	pos("Retired miner who resides near Beckley, WV.", "address", "Beckley"),
	pos("P.O. Box 4410 is the only address on file.", "address", "P.O. Box 4410"),
	pos("The fire was at 2100 West Roosevelt Road, per EMS.", "address", "2100 West Roosevelt Road"),
	pos("He relocated to Tucson after his wife died.", "address", "Tucson"),
	pos("Address: 88 Harbor View Drive, Unit 12", "address", "88 Harbor View Drive, Unit 12"),
	pos("Runs a dairy farm outside Lancaster, PA 17601.", "address", "Lancaster", "zip", "17601"),

	// ZIP codes
	pos("ZIP 02139 on the outside lab slip.", "zip", "02139"),
	pos("Her zip code is 94110, in case that matters for the air quality.", "zip", "94110"),
	pos("Mailing: Austin, TX 78701-1234", "zip", "78701-1234", "address", "Austin"),
	pos("New York, NY 10032 is where the outside biopsy was read.", "zip", "10032"),
	pos("zip: 33101", "zip", "33101"),
	pos("Postal code 30303 on the transfer form.", "zip", "30303"),

	// Names
	pos("Mr. Smith is a 67-year-old man with dyspnea.", "name", "Smith"),
	pos("Mrs. Jones declined the biopsy.", "name", "Jones"),
	pos("Ms. Lee reports 3 days of fever.", "name", "Lee"),
	pos("Dr. Patel from cardiology thinks it's pericarditis.", "name", "Patel"),
	pos("Mr Smith was seen again today.", "name", "Smith"),
	pos("Our patient John has had two admissions for DKA.", "name", "John"),
	pos("pt Mary was seen in clinic last week.", "name", "Mary"),
	pos("Her husband Tom is the healthcare proxy.", "name", "Tom"),
	pos("His daughter Anna wants to discuss hospice.", "name", "Anna"),
	pos("A woman named Alice presented with ptosis.", "name", "Alice"),
	pos("The infant, called Bob by the nurses, has gastroschisis.", "name", "Bob"),
	pos("Spoke with her son, Michael, who agrees with comfort care.", "name", "Michael"),
	pos("Patient J.S. is a 45-year-old with lupus.", "name", "J.S."),
	pos("John Smith, a 58-year-old teacher, presented with hemoptysis.", "name", "John Smith"),
	pos("Dr Nguyen's note says the lesion is benign.", "name", "Nguyen"),
	pos("Discussed with Prof. Okafor in hepatology.", "name", "Okafor"),
	pos("His wife, Maria, noticed the jaundice first.", "name", "Maria"),
	pos("Her PCP Dr. Goldberg referred her.", "name", "Goldberg"),
	pos("Mrs. O'Brien is febrile again.", "name", "O'Brien"),
	pos("Patient goes by Liz and prefers she/her.", "name", "Liz"),
	pos("Called his brother Ahmed to update him.", "name", "Ahmed"),
	pos("Miss Taylor, a 19-year-old, has recurrent syncope.", "name", "Taylor"),
	pos("Her mother-in-law Gloria brings her to every visit.", "name", "Gloria"),
	pos("Mr. and Mrs. Chen both tested positive.", "name", "Chen"),
	pos("Patient's name is Roberto and he speaks Portuguese.", "name", "Roberto"),
	pos("I saw Mrs. Delgado again today; her Hgb is 6.8.", "name", "Delgado"),
	pos("her girlfriend Jess drove her in", "name", "Jess"),
	pos("Sarah Connolly (the patient) asked me to post this.", "name", "Sarah Connolly"),
	pos("Dr. Ana Ruiz at the outside hospital did the ERCP.", "name", "Ana Ruiz"),
	pos("Mx. Rivera uses they/them pronouns.", "name", "Rivera"),
	pos("Case from Dr. Okonkwo-Adeyemi's clinic, shared with permission.", "name", "Okonkwo-Adeyemi"),
	pos("his neighbor Gary found him on the floor", "name", "Gary"),

	// More of each, in the looser style of chat
	pos("Pt is a 91 yo female with CHF exacerbation.", "age", "91 yo"),
	pos("This 96 y.o. gentleman has had 3 falls since Christmas.", "age", "96 y.o."),
	pos("Ninety-three-year-old woman, lives alone, fell at home.", "age", "Ninety-three-year-old"),
	pos("An elderly gentleman, age 93, with new-onset seizures.", "age", "age 93"),
	pos("Ms. Lopez, 90F, PMH HTN and AF, now with melena.", "age", "90F", "name", "Lopez"),
	pos("Her 90th birthday party was where she fell.", "age", "90th birthday"),
	pos("He just turned 95 and still drives.", "age", "turned 95"),
	pos("Mr. G, a 102-year-old veteran, wants surgery.", "age", "102-year-old"),
	pos("DOB: 1/5/32, widowed, former machinist.", "date", "1/5/32"),
	pos("Seen in the ED 2/3/24 for the same complaint.", "date", "2/3/24"),
	pos("Admitted Monday, Jan 8, transferred out two days later.", "date", "Jan 8"),
	pos("Colonoscopy 8/2023 showed a 12 mm sessile polyp.", "date", "8/2023"),
	pos("Transplant was in Nov. 2018 at an outside center.", "date", "Nov. 2018"),
	pos("Sx since 4/18.", "date", "4/18"),
	pos("DOB 3-1-1930, full code per the family.", "date", "3-1-1930"),
	pos("She called from her cell, 617-555-0123, in tears.", "phone", "617-555-0123"),
	pos("Ph: 555 010 4477", "phone", "555 010 4477"),
	pos("Reach the wife at 555-0199 after work.", "phone", "555-0199"),
	pos("Contact: sister Rosa 555.777.1234", "name", "Rosa", "phone", "555.777.1234"),
	pos("You can email me at jsmith@uw.edu if you want the path.", "email", "jsmith@uw.edu"),
	pos("E-mail: LEE.M@KP.ORG", "email", "LEE.M@KP.ORG"),
	pos("The daughter's post (facebook.com/groups/prayforjim) had photos of him intubated.", "url", "facebook.com/groups/prayforjim"),
	pos("Her video is at https://www.tiktok.com/@jenny.k/video/7234567890123 if you want to see the tremor.", "url", "https://www.tiktok.com/@jenny.k/video/7234567890123"),
	pos("Chart: https://ehr.example.org/chart/8812345", "url", "https://ehr.example.org/chart/8812345"),
	pos("From 192.0.2.14 at 02:14 someone opened the chart.", "ip", "192.0.2.14"),
	pos("MRN#: 00-44-1123 on the sticker.", "mrn", "00-44-1123"),
	pos("Hosp # 1188223 on the old discharge letter.", "mrn", "1188223"),
	pos("Acct#: 0099887766", "account", "0099887766"),
	pos("Policy number ZGP12345678 under her husband's employer.", "health_plan", "ZGP12345678"),
	pos("BCBS ID XJH812345678 was on the card she photographed.", "health_plan", "XJH812345678"),
	pos("Her NPI is 1487654321, she is the referring NP.", "license", "1487654321"),
	pos("Insulin pump SN 12AB34567 recalled last month.", "device", "12AB34567"),
	pos("Lives on Maple Street in a small town.", "address", "Maple Street"),
	pos("He's from Bangor, Maine, and fishes for a living.", "address", "Bangor"),
	pos("Address on file: 1600 Pennsylvania Ave NW.", "address", "1600 Pennsylvania Ave"),
	pos("Lives at 42 Wallaby Way, Sydney.", "address", "42 Wallaby Way"),
	pos("Her address is 300 E 57th St, New York.", "address", "300 E 57th St"),
	pos("Springfield, MA 01103 is on the referral.", "address", "Springfield", "zip", "01103"),
	pos("Hi Dr. Fernández, thanks for the consult.", "name", "Fernández"),
	pos("Mrs. Nguyen-Tran's daughter called twice.", "name", "Nguyen-Tran"),
	pos("pt Mr. Abdullah has refused dialysis.", "name", "Abdullah"),
	pos("Her husband (Frank) is overwhelmed.", "name", "Frank"),
	pos("Spoke to the patient's son James on the phone.", "name", "James"),
	pos("Patient: Maria Gonzalez, seen for follow-up.", "name", "Maria Gonzalez"),
	pos("Dr. Sarah O'Connell (neuro) agreed with the plan.", "name", "Sarah O'Connell"),
	pos("My patient, Mrs. K., is still on the ward.", "name", "K."),
	pos("pt's grandson Tyler, who is a nurse, is at bedside.", "name", "Tyler"),
	pos("Debra Wilkins, 74, presented with a painful red eye.", "name", "Debra Wilkins"),
	pos("Keisha Washington gave permission to share her ECG.", "name", "Keisha Washington"),
	pos("Case shared with permission from Tomás Herrera's family.", "name", "Tomás Herrera"),

	pos("Pt John Doe, MRN: 123-456-789, DOB 12/05/1942", "name", "John Doe", "mrn", "123-456-789", "date", "12/05/1942"),
	pos("Name: Margaret Thompson | DOB: 1938-07-22 | Acct: 44120098", "name", "Margaret Thompson", "date", "1938-07-22", "account", "44120098"),
	pos("Admitted on the 5th of May with sepsis.", "date", "5th of May"),
	pos("Transferred from St. Luke's on 10 Oct 2023.", "date", "10 Oct 2023"),
	pos("The wife's number is (415)555-2671.", "phone", "(415)555-2671"),
	pos("Pt lives at 1234 W. Sunset Blvd. Apt. 5, LA", "address", "1234 W. Sunset Blvd. Apt. 5"),
	pos("She is one hundred and two years old.", "age", "one hundred and two years old"),
	pos("He drove his truck, plate ABC-1234, into a ditch.", "device", "ABC-1234"),
	pos("Lives in Oklahoma City.", "address", "Oklahoma City"),
	pos("Ms. H is an 89 yo... (91 actually)", "name", "H"),
	pos("Patient initials: R.T.", "name", "R.T."),
	pos("Follow up on Friday 3/15.", "date", "3/15"),
	pos("Today (July 3) she looks better.", "date", "July 3"),
	pos("Video: https://vimeo.com/123456789", "url", "https://vimeo.com/123456789"),

	// Several identifiers in one message
	pos("Mrs. Jones (MRN 7654321) was admitted 2/14/2024 with a GI bleed.", "name", "Jones", "mrn", "7654321", "date", "2/14/2024"),
	pos("92F from Tucson, AZ, seen 5/1/2024; daughter Karen at 555-410-2288.", "age", "92F", "address", "Tucson", "date", "5/1/2024", "name", "Karen", "phone", "555-410-2288"),
	pos("Pt Mr. Ortiz, DOB 02/09/1929, email ortiz.j@gmail.com.", "name", "Ortiz", "date", "02/09/1929", "email", "ortiz.j@gmail.com"),
	pos("Referral from Dr. Kim, fax (555) 300-1000, re: MRN 4455667.", "name", "Kim", "fax", "(555) 300-1000", "mrn", "4455667"),
	pos("Lives at 9 Birch Lane, Salem, OR 97301 with her son David.", "address", "9 Birch Lane", "zip", "97301", "name", "David"),
}

// negatives are ordinary clinical sentences, several written to sit right
// next to a rule: fractions, scores, doses, eponyms, services after "called".
var negatives = []string{
	// vital signs
	"BP 120/80, HR 110, RR 22, T 38.5 C, SpO2 92% on RA.",
	"Vitals overnight: BP 90/60 after 2 L fluid, HR down to 96.",
	"Tmax 101.3F with rigors, lactate 3.1.",
	"T 95 F on arrival, rewarmed with a forced-air blanket.",
	"HR 130s in AF with RVR, BP 100s/60s.",
	"Orthostatic: supine 132/78, standing 104/62 with symptoms.",
	"SpO2 88% on 4 L NC, improved to 94% on 6 L HFNC.",
	"GCS 14 (E4V4M6), pupils equal and reactive.",
	"Fever to 101F with chills last night.",
	"MAP 58 despite 30 mL/kg crystalloid, started norepinephrine.",
	"BP 150/95 at home per her cuff.",
	"Height 165 cm, weight 92 kg, BMI 33.8.",
	// doses
	"Metoprolol 25 mg PO BID, lisinopril 10 mg daily.",
	"Heparin 5000 units SC q8h for VTE prophylaxis.",
	"Insulin glargine 20 units qHS plus lispro sliding scale.",
	"Amoxicillin 875/125 BID for 7 days.",
	"Give 1/2 tab of the 25 mg tablet at night.",
	"Vanc 1.5 g IV q12h, trough goal 15-20.",
	"Prednisone 40 mg daily x 5 days then stop.",
	"Started on 1/2 NS at 75 mL/h.",
	"Apixaban 5 mg BID, held 48 h before the procedure.",
	"Furosemide 40 mg IV BID with goal net negative 1-2 L/day.",
	"Epinephrine 0.3 mg IM x1, repeat in 5-15 min if needed.",
	"KCl 40 mEq PO x2 for K 3.1.",
	"Ceftriaxone 2 g q24h and azithromycin 500 mg x 3 days.",
	"TPN at 3/4 strength until the refeeding labs settle.",
	"Tube feeds at 1/2 strength, advance by 10 mL q4h.",
	"He received 2 units of PRBCs and 1 unit of platelets.",
	// laboratory values
	"Na 134 mmol/L, K 5.9, Cr 1.8 mg/dL (baseline 1.1).",
	"Troponin 0.04 ng/mL, then 0.09 ng/mL three hours later.",
	"HbA1c 7.2%, LDL 142 mg/dL on atorvastatin 40.",
	"WBC 12.3 x10^9/L, Hgb 8.1, platelets 150000.",
	"WBC 12,500 with 85% neutrophils, no bands.",
	"INR 2.5 on warfarin, goal 2-3.",
	"eGFR 45, UACR 300 mg/g.",
	"Ferritin 12, TSAT 8%, B12 and folate normal.",
	"Lipase 1200 U/L, triglycerides 2400 mg/dL.",
	"ABG 7.21/58/62 on 40% FiO2.",
	"Glucose 412, anion gap 24, beta-hydroxybutyrate 6.1.",
	"CSF: WBC 1250, 90% PMN, protein 210, glucose 18.",
	"TSH 0.01, free T4 3.2 ng/dL.",
	"PSA 4.8 ng/mL, up from 3.1 last year.",
	"Urine Na 62 mmol/L, urine osm 510 mOsm/kg.",
	"CD4 count 45 cells/uL, viral load 250000 copies/mL.",
	"Procalcitonin 0.08 ng/mL, CRP 12 mg/L.",
	"D-dimer 2300 ng/mL FEU, Wells score 4.",
	"ANA 1:1280 speckled, anti-dsDNA positive.",
	"Glucose 12345 in the overnight labs is clearly a typo.",
	"Hb 7.9 -> transfused 1 unit.",
	"K 6.8 with peaked T waves; calcium gluconate given.",
	// fractions, ratios and scores
	"Strength 5/5 in all four limbs, reflexes 2+ and symmetric.",
	"Grade 2/6 systolic murmur at the RUSB radiating to the carotids.",
	"2/2 blood cultures grew GPCs in clusters.",
	"She takes 1/3 of the dose when her BP is low.",
	"Visual acuity 20/20 OU, fundi normal.",
	"Pain 8/10, worse with inspiration.",
	"Has a 24/7 caregiver at home.",
	"Left deltoid 4/5, otherwise 5/5.",
	"Strength improved to 5/5.",
	"ASA class 3, Mallampati 2, Cormack-Lehane grade 1.",
	"CURB-65 of 3, PSI class IV.",
	"CHA2DS2-VASc 4, HAS-BLED 2.",
	"Improved to 4/5 on 3/4 strength feeds.",
	"MMSE 22/30, MoCA 18/30.",
	"Lung-RADS 4B, nodule 12 mm.",
	"Gleason 4+3=7 in 6/12 cores.",
	"Over the last 3/12 she has lost weight.",
	// codes, anatomy, staging
	"G3P2 at 32 weeks with preeclampsia.",
	"C5-C6 disc herniation with myelopathy.",
	"L4-L5 spondylolisthesis, no cauda equina.",
	"T2DM on metformin and empagliflozin.",
	"ICD-10 E11.9 was used for billing.",
	"CPT 99213 is what the clinic billed.",
	"CPT code 99214 and 93000 for the ECG.",
	"S1 S2 normal, S3 present.",
	"Mobitz II block, QRS 140 ms.",
	"ECG: QTc 480 ms, no ST changes.",
	"EF 35% with global hypokinesis.",
	"NYHA class III, stage C HFrEF.",
	"BI-RADS 4A lesion at 2 o'clock, 3 cm from the nipple.",
	"T3N1M0 rectal adenocarcinoma.",
	"HPV 16/18 negative.",
	"HLA-B27 positive with sacroiliitis.",
	"Killip class II on arrival.",
	"DOI 10.1056/NEJMoa2034577 has the supplementary appendix.",
	"Version 2.1.3 of the order set fixed the insulin bug.",
	"Vaccine lot 4F8812 documented in the MAR.",
	"ETT 7.5 at 23 cm at the lip.",
	// times and relative dates
	"Woke at 3 a.m. with crushing chest pain.",
	"Symptoms started 3 days ago.",
	"Day 3 of admission, still febrile.",
	"POD 2 after Whipple procedure, drain amylase high.",
	"At 32 weeks she developed headaches.",
	"Diagnosed with breast cancer in 2019, on tamoxifen since 2020.",
	"Smoked from 1980 to 2015, 40 pack-years.",
	"In her 40s she had a hysterectomy.",
	"The 45-year-old had a similar episode last year.",
	"Worse at 0300 and after meals.",
	"Scheduled for 10:30 tomorrow in IR.",
	"Hospital day 12, weaning off pressors.",
	"Over the past 2 weeks she lost 3 kg.",
	"Three months ago she started hydrochlorothiazide.",
	"Last dose at 22:00, level due at 06:00.",
	"In 2019 she had a DVT, treated for 3 months.",
	"Since 2015 on lifelong anticoagulation.",
	"May need a repeat echo in 6 weeks.",
	"q6h vitals, neuro checks q1h.",
	"The 3rd dose of the vaccine was given.",
	"On the 2nd day she became hypotensive.",
	"At the 6 o'clock position there is a 2 mm ulcer.",
	"In the 90s this drug was first-line.",
	// ages that are allowed
	"An 89-year-old with hip fracture, on apixaban.",
	"He is 85 yo with moderate dementia.",
	"Patient is over 90 years old and frail.",
	"Residents aged 90+ are excluded from the trial.",
	"Age 90 or older is reported as a single group.",
	"SpO2 95% saturation on room air.",
	"Gave 95 mg of the drug before transfer.",
	"Weight for age 95th percentile.",
	"92% of cases resolve spontaneously.",
	"The 95% CI was 1.2-3.4 in that trial.",
	"Ages 18-65 were included in the study.",
	// eponyms
	"Graves disease with new atrial fibrillation, on methimazole.",
	"Parkinson's with worsening freezing of gait.",
	"Crohn disease flare, on vedolizumab.",
	"Hashimoto thyroiditis on levothyroxine 100 mcg.",
	"Cushing syndrome workup: late-night salivary cortisol elevated.",
	"Wilson disease ruled out with a normal ceruloplasmin.",
	"Addison crisis in the differential, check a random cortisol.",
	"Down syndrome with early-onset Alzheimer dementia.",
	"Bell's palsy on the left, started prednisone.",
	"Babinski sign upgoing on the right.",
	"Murphy's sign positive, RUQ US pending.",
	"Foley catheter placed for retention.",
	"Mallory-Weiss tear on EGD, no active bleeding.",
	"Apgar score 8 and 9.",
	"Glasgow coma scale 9 on arrival.",
	"Wells score 4.5, CTPA ordered.",
	"Ranson criteria 3 at 48 hours.",
	"Kussmaul breathing with a pH of 7.05.",
	"Cheyne-Stokes respirations overnight.",
	"Sister Mary Joseph nodule on exam, concerning for gastric cancer.",
	"Austin Flint murmur in severe AR.",
	"Stevens-Johnson syndrome after lamotrigine.",
	"Guillain-Barré syndrome, IVIG started.",
	"Takotsubo on echo after her husband's funeral.",
	"Dressler syndrome vs recurrent MI.",
	"Known as Wolff-Parkinson-White, seen on the old ECG.",
	"What used to be called Wegener granulomatosis.",
	"Charcot-Marie-Tooth disease in the family.",
	"Barrett esophagus without dysplasia on surveillance.",
	"Virchow node palpable.",
	"Henoch-Schönlein purpura in a 7-year-old.",
	"Osler nodes and Janeway lesions on exam.",
	"Raynaud phenomenon and sclerodactyly.",
	"Hodgkin lymphoma in remission since 2012.",
	"May-Thurner syndrome suspected given left iliac compression.",
	"Henry Ford Hospital protocol for DKA.",
	// name cues that are not names
	"We called Cardiology and they recommend a heparin drip.",
	"Called Rapid Response for hypotension.",
	"Patient Education: low-sodium diet reviewed.",
	"Patient presented with 3 days of vomiting.",
	"Patient Jehovah's Witness, declines blood products.",
	"Her husband at bedside, agrees with plan.",
	"His daughter reports he has been more confused.",
	"Spoke with the family; son is the HCP.",
	"Dr. on call was notified.",
	"PT recommends SNF placement.",
	"We called Poison Control about the ingestion.",
	"Her PCP Office faxed over the records.",
	"Known as Tylenol in the US, paracetamol elsewhere.",
	"MR moderate, MS mild, TR trace.",
	"His GP Surgery sent the referral.",
	"Mother died of breast cancer at 52.",
	"Family history: father with MI at 50, brother with T1DM.",
	"Sister is a nurse and is very involved.",
	"Her baby aspirin was held.",
	"Reviewed with Radiology: no PE.",
	// places that are not identifiers
	"Ward 4B, bed 12, isolation for C. diff.",
	"Room air sats 94%.",
	"Lives in rural Ohio, well water.",
	"Moved to the US from Guatemala in 2010.",
	"Lives alone in an apartment, independent with ADLs.",
	"Recent travel to Thailand and Cambodia.",
	"Native of Mexico, in the US for 20 years.",
	"Lives in a nursing home on 4 West.",
	"She lives with her daughter and grandson.",
	"He lives at home with his wife.",
	"Transferred from an outside hospital in the same state.",
	// links and handles that are not identifiers
	"Per the 2023 guideline (https://www.ahajournals.org/doi/10.1161/CIR.0000000000001123).",
	"See NEJM 2024;390:1234 and https://www.nejm.org/doi/full/10.1056/NEJMoa2312345 for the trial.",
	"UpToDate topic: https://www.uptodate.com/contents/approach-to-hyponatremia",
	"PubMed: https://pubmed.ncbi.nlm.nih.gov/31234567/",
	"MDCalc link https://www.mdcalc.com/calc/10195/curb-65-score-pneumonia-severity",
	"Slides from the lung MDT are at https://example.org/referrals/lung.",
	"Guideline PDF: https://www.idsociety.org/practice-guideline/community-acquired-pneumonia-cap-in-adults/",
	"@ana can you weigh in on this one?",
	"Radiopaedia case https://radiopaedia.org/cases/pneumomediastinum-12 looks identical.",
	"ClinicalTrials.gov NCT04280705 is recruiting.",
	// labels without numbers
	"Serial troponins flat.",
	"Serial lactates 4.1, 3.2, 2.0.",
	"Group B strep positive, intrapartum penicillin given.",
	"Plan: group 1 PAH workup with RHC.",
	"The account of events from EMS is incomplete.",
	"Taking into account her CKD, we reduced the dose.",
	"Medical record review shows prior MRSA.",
	"Member of the care team noted the rash.",
	"Insurance denied the PCSK9 inhibitor.",
	"State guidelines require reporting of TB.",
	"Device interrogation showed 3 episodes of VT.",
	"PO intake poor, NPO after midnight.",
	"MRN pending, registered as a trauma alias.",
	// more traps in the looser style of chat
	"On 2/2 cultures she remains positive.",
	"Given 1/2 NS, then D5 1/2 NS with 20 KCl.",
	"Discharged on 1/2 the prior dose of metoprolol.",
	"Marked improvement after 2 doses.",
	"Augmentin 875 BID x 7 d.",
	"Decadron 10 mg IV x1.",
	"Mar-Apr pollen season worsens her asthma.",
	"CVP 12, PCWP 18, CI 2.1.",
	"Score of 92 on the Barthel index.",
	"The 100 mg dose was given at 9 am.",
	"Patients aged 45-60 with chest pain were enrolled.",
	"Age 90 and above get a different reference range.",
	"Over 90% of her weight loss was muscle.",
	"Hb 9.5 g/dL, MCV 101 fL.",
	"Temp 95 F with bradycardia to 45.",
	"101F, tachy to 120, hypotensive.",
	"Fever 101 F with myalgias and headache.",
	"Dr. Google told her it was cancer.",
	"Patient Reported Outcomes were collected at each visit.",
	"Patient Health Questionnaire score 14.",
	"Patient Controlled Analgesia started post-op.",
	"Known as Stein-Leventhal syndrome in older texts, now PCOS.",
	"She calls it her Parkinson's tremor.",
	"Called Neurology re: the new weakness.",
	"Called Anesthesia for a difficult airway.",
	"Called IR to embolize.",
	"Called Transfusion Medicine about the antibody.",
	"Her oncologist recommends FOLFOX.",
	"His GP Practice closed last year.",
	"Son Jr. is the contact person.",
	"Daughter RN at bedside, very helpful.",
	"Husband MD, very involved in her care.",
	"Her insurer, Kaiser, denied the MRI.",
	"Lives in Section 8 housing with her kids.",
	"Lives in Kentucky, coal country.",
	"Moved from Puerto Rico after the hurricane.",
	"Recently moved to Florida to be near family.",
	"Lives in the city with her partner.",
	"Traveled to Cancun, Mexico in March.",
	"Resident physician on nights noticed the rash.",
	"Residents at the nursing home had a norovirus outbreak.",
	"Native American, lives on a reservation.",
	"Lives on Social Security income.",
	"Seen in the Cleveland Clinic heart failure program.",
	"Referred to Mayo for a second opinion.",
	"Transferred to Mass General for ECMO.",
	"Per Harrison's, the differential is broad.",
	"Harriet Lane handbook dosing for peds.",
	"UpToDate and Medscape differ here.",
	"ICD-10 code Z79.01 for long-term anticoagulation.",
	"E-mail the team if the K is above 6.",
	"PMID 31234567 has the data.",
	"Use the link in the group chat, not www.google.com.",
	"The @cardiology-fellows channel has the ECG.",
	"BP 210/110 in triage.",
	"Creatinine went 1.2 -> 2.4 -> 3.1 over 48 h.",
	"IV access: 18G L AC, 20G R hand.",
	"Dose 2-3 mg/kg, max 100 mg.",
	"Spinal level T4-T5, epidural at L3-4.",
	"QRS 120 ms, PR 220 ms, HR 54.",
	"Peak flow 250 L/min (predicted 450).",
	"A1c 10.1 in 2022, now 6.9.",
	"He lives 2 hours away from the hospital.",
	"Unit 5 West, bed 14.",
	"Room 12, Bed B.",
	"She lives with her sister in an assisted living facility.",
	"He is 6 ft 2 in, 92 kg.",
	"Age-appropriate cancer screening is up to date.",
	"Charles Bonnet syndrome in a patient with macular degeneration.",
	"Louis-Bar syndrome (ataxia-telangiectasia) was considered.",
	"Kelly clamp used for the dissection.",
	"Thomas splint for the femur fracture.",
	"St. John's wort interacts with her tacrolimus.",
	"George Washington University Hospital did the MRI.",
	"Ronald McDonald House is hosting the family.",
	"Turned 90 degrees for the lateral film.",
	"Her nineties-era records are on microfiche.",
	"Platelets 95 K, down from 140.",
	// from longer case write-ups
	"Cr bumped from 1.9 to 2.6 on sacubitril/valsartan 24/26 mg BID, carvedilol 12.5 mg BID.",
	"Echo: LVEF 20-25%, moderate functional MR, TAPSE 14 mm, RVSP 55 mmHg.",
	"42F G4P3 at 34+2 weeks with BP 162/104 and 3+ proteinuria, platelets 98.",
	"Mag started, BMZ #1 given at 14:00.",
	"Toddler, 2 y 3 m, with 5 days of fever and a strawberry tongue.",
	"Meets 4/5 criteria for Kawasaki; IVIG 2 g/kg planned plus ASA 80-100 mg/kg/day.",
	"Elderly woman (late 80s) on apixaban 2.5 mg BID after a fall with a 6 mm SDH.",
	"Glasgow-Blatchford 12, Rockall 5, scoping in the AM.",
	"P/F ratio 140 on PEEP 10, FiO2 60%, proned 16 h/day.",
	"Started pip-tazo 4.5 g q6h, vanco per pharmacy (AUC 400-600).",
	"Orthopnea 3 pillows, PND 2x/week, JVP 12 cm, S3.",
	"Lumbar puncture: opening pressure 32 cm H2O, WBC 3, protein 28.",
	"Gottron papules and heliotrope rash present, CK 4500.",
	"Hx: HTN, HLD, DM2 (A1c 8.4), OSA on CPAP, BMI 41.",
	"FHx: mother with breast ca at 45, father CAD s/p CABG at 60.",
	"Meds: lisinopril 20, amlodipine 10, atorvastatin 80, ASA 81.",
	"ABG 7.28/62/55/29 on 2 L, repeat after BiPAP 12/5.",
	"ECG: sinus at 62, PR 210, QRS 98, QTc 470, TWI V1-V3.",
	"Troponin I 0.02 -> 0.03 -> 0.02 ng/mL, HEART score 3.",
	"Biopsy: grade 3 IDC, ER 90%, PR 10%, HER2 2+ with FISH ratio 2.4.",
	"Seizure at 02:30, lorazepam 4 mg IV, then levetiracetam 60 mg/kg.",
	"3/6 holosystolic murmur at apex radiating to axilla, 2/4 pulses in the feet.",
	"Saw her in clinic on Tuesday; she says the itch is worse at night.",
	"Dr. on call for nephrology agreed with holding the ACEi.",
	"Per Dr. Google she thought it was anxiety.",
	"Question for the group: anyone used tocilizumab for refractory Still's disease?",
	"Update on day 10: cultures cleared, PICC placed for 6 weeks of cefazolin.",
	"Rocky Mountain spotted fever in the differential: doxycycline 100 mg BID.",
	"Janeway lesions, Osler nodes, Roth spots: the classic triad rarely all present.",
	"Baby born at 36 weeks, Apgars 7 and 9, birth weight 2.4 kg.",
	"Plan per Heme/Onc: R-CHOP x6 with intrathecal MTX prophylaxis.",
	"Discussed at tumor board on Thursday; recommendation: chemoradiation.",
	// chat
	"Please call me if you have questions about this case.",
	"Phone consult with nephrology: they suggest holding the ACE.",
	"Thoughts on anticoagulation here? CHA2DS2-VASc is 5.",
	"Would you biopsy or just repeat the CT in 3 months?",
	"Agree with the plan, thanks for sharing.",
	"COVID-19 PCR positive, on 2 L NC.",
	"Smoker 1 ppd x 40 years, quit 2018.",
	"HIV negative, HCV Ab positive, RNA pending.",
	"Chest tube output 350 mL over 24 h.",
	"Pelvic US: 3.2 x 2.1 cm cyst, O-RADS 3.",
}

// pairs returns the findings of got as (kind, text) pairs.
func pairs(got []Finding) []want {
	out := make([]want, len(got))
	for i, f := range got {
		out[i] = want{f.Kind, f.Text}
	}
	return out
}

func TestScanTable(t *testing.T) {
	if len(positives) < 150 || len(negatives) < 150 {
		t.Fatalf("table too small: %d positives, %d negatives (want at least 150 each)", len(positives), len(negatives))
	}
	hits := 0
	for _, p := range positives {
		got := pairs(Scan(p.in))
		var missing []want
		for _, w := range p.want {
			if !slices.Contains(got, w) {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			hits++
			continue
		}
		t.Logf("miss: %q\n\twant %v\n\tgot  %v", p.in, missing, got)
	}
	alarms := 0
	for _, n := range negatives {
		if got := Scan(n); len(got) > 0 {
			alarms++
			t.Logf("false alarm: %q\n\tgot %v", n, pairs(got))
		}
	}
	recall := float64(hits) / float64(len(positives))
	falseRate := float64(alarms) / float64(len(negatives))
	t.Logf("recall %.1f%% (%d/%d positives), false alarms %.1f%% (%d/%d negatives)",
		100*recall, hits, len(positives), 100*falseRate, alarms, len(negatives))
	if recall < 0.95 {
		t.Errorf("recall %.1f%% is below 95%%", 100*recall)
	}
	if falseRate > 0.05 {
		t.Errorf("false alarm rate %.1f%% is above 5%%", 100*falseRate)
	}
}

// TestTableCoversEveryKind keeps the table honest: every kind needs enough
// positives for recall to mean something, and no sentence is listed twice.
func TestTableCoversEveryKind(t *testing.T) {
	count := map[string]int{}
	seen := map[string]bool{}
	for _, p := range positives {
		for _, w := range p.want {
			count[w.kind]++
		}
		if seen[p.in] {
			t.Errorf("duplicate positive %q", p.in)
		}
		seen[p.in] = true
	}
	for _, n := range negatives {
		if seen[n] {
			t.Errorf("duplicate sentence %q", n)
		}
		seen[n] = true
	}
	for _, k := range kinds {
		if count[k.kind] < 5 {
			t.Errorf("kind %q has %d positives, want at least 5", k.kind, count[k.kind])
		}
	}
	for kind := range count {
		if _, ok := rank[kind]; !ok {
			t.Errorf("table uses unknown kind %q", kind)
		}
	}
}

// checkFindings verifies what every result must satisfy whatever the input.
func checkFindings(in string, got []Finding) error {
	end := 0
	for _, f := range got {
		if f.Start < end || f.Start >= f.End || f.End > len(in) {
			return fmt.Errorf("finding %+v out of order, overlapping or out of range (previous end %d)", f, end)
		}
		if in[f.Start:f.End] != f.Text {
			return fmt.Errorf("finding %+v: input[%d:%d] is %q", f, f.Start, f.End, in[f.Start:f.End])
		}
		if f.Label == "" || f.Label != labels[f.Kind] {
			return fmt.Errorf("finding %+v: bad kind or label", f)
		}
		end = f.End
	}
	return nil
}

func TestOffsetsSliceBackToText(t *testing.T) {
	for _, p := range positives {
		if err := checkFindings(p.in, Scan(p.in)); err != nil {
			t.Errorf("%q: %v", p.in, err)
		}
	}
	post := identifiedPost + cleanPost
	got := Scan(post)
	if len(got) < 5 {
		t.Errorf("identified post: %d findings, want at least 5: %v", len(got), pairs(got))
	}
	if err := checkFindings(post, got); err != nil {
		t.Error(err)
	}
}

func TestOverlappingFindingsAreMerged(t *testing.T) {
	tests := []struct {
		in   string
		want []want
	}{
		// labelled number shaped like a phone number: one finding, the label's kind
		{"MRN 555-123-4567", []want{{"mrn", "555-123-4567"}}},
		// label value "943" and phone shape "943 476 5919" merge into the union
		{"NHS number 943 476 5919", []want{{"mrn", "943 476 5919"}}},
		{"credit card 4111 1111 1111 1111", []want{{"account", "4111 1111 1111 1111"}}},
		// an SSN after its label is found twice, reported once
		{"SSN 123-45-6789", []want{{"ssn", "123-45-6789"}}},
		// the town is found by "lives in" and by ", CA"
		{"lives in Fresno, CA", []want{{"address", "Fresno"}}},
		// a URL on an IP address: the URL, not the address inside it
		{"PACS: http://10.1.2.3/viewer/study", []want{{"url", "http://10.1.2.3/viewer/study"}}},
		// two identifiers side by side stay two findings
		{"Mr. Smith 555-123-4567", []want{{"name", "Smith"}, {"phone", "555-123-4567"}}},
	}
	for _, tt := range tests {
		if got := pairs(Scan(tt.in)); !slices.Equal(got, tt.want) {
			t.Errorf("Scan(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}

	text := "0123456789abcdefghij"
	got := merge(text, []Finding{
		{Kind: "name", Start: 12, End: 15},
		{Kind: "phone", Start: 0, End: 6},
		{Kind: "mrn", Start: 4, End: 10},
		{Kind: "date", Start: 15, End: 18}, // touches the name: not merged
		{Kind: "zip", Start: 13, End: 14},  // inside the name: merged, and zip ranks above name
	})
	wantMerged := []Finding{
		{Kind: "mrn", Label: labels["mrn"], Text: "0123456789", Start: 0, End: 10},
		{Kind: "zip", Label: labels["zip"], Text: "cde", Start: 12, End: 15},
		{Kind: "date", Label: labels["date"], Text: "fgh", Start: 15, End: 18},
	}
	if !slices.Equal(got, wantMerged) {
		t.Errorf("merge = %+v\nwant %+v", got, wantMerged)
	}
}

func TestEdgeInputs(t *testing.T) {
	long := strings.Repeat(cleanPost+identifiedPost, 100*1024/len(cleanPost+identifiedPost)+1)
	inputs := map[string]string{
		"empty":            "",
		"blank":            " \t\n\r\n  ",
		"invalid UTF-8":    "\xff\xfe MRN \xff1234567 Mr. \xc3 D\xe9lgado 3/4/\xff2024 @\xff.com http://\xff",
		"truncated rune":   "Mrs. Jos\xc3",
		"long case posts":  long,
		"digits":           strings.Repeat("1234567890", 10*1024),
		"dates":            strings.Repeat("1/2/", 25*1024),
		"dots":             strings.Repeat("1.", 50*1024),
		"colons":           strings.Repeat("a1:", 34*1024),
		"at signs":         strings.Repeat("a@", 50*1024),
		"bare at signs":    strings.Repeat("@", 100*1024),
		"honorifics":       strings.Repeat("Mr. ", 25*1024),
		"names":            strings.Repeat("John Smith ", 10*1024),
		"url":              "https://example.org/" + strings.Repeat("a", 100*1024),
		"urls":             strings.Repeat("http://x.co/1 ", 8*1024),
		"url parens":       strings.Repeat("http://x.co/"+strings.Repeat(")", 2036)+" ", 50),
		"commas":           strings.Repeat("Fresno, CA ", 10*1024),
		"lives":            strings.Repeat("lives in ", 12*1024),
		"labels":           strings.Repeat("MRN ", 25*1024),
		"hyphens":          strings.Repeat("-", 100*1024),
		"capitalised word": "A" + strings.Repeat("b", 100*1024),
		"word":             strings.Repeat("x", 100*1024),
	}
	for name, in := range inputs {
		start := time.Now()
		got := Scan(in)
		elapsed := time.Since(start)
		if err := checkFindings(in, got); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		// About 1 ms per 100 KB is expected; the bound leaves room for -race
		// and a loaded machine, and still catches quadratic behaviour.
		if elapsed > time.Second {
			t.Errorf("%s: Scan of %d bytes took %v", name, len(in), elapsed)
		}
		if len(in) > 50*1024 {
			t.Logf("%-17s %7d bytes %6d findings %v", name, len(in), len(got), elapsed)
		}
	}
	if got := Scan(""); got != nil {
		t.Errorf("Scan(\"\") = %v, want nil", got)
	}
}

func FuzzScan(f *testing.F) {
	for _, p := range positives {
		f.Add(p.in)
	}
	for _, n := range negatives[:40] {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if err := checkFindings(in, Scan(in)); err != nil {
			t.Fatalf("Scan(%q): %v", in, err)
		}
	})
}

// cleanPost is a realistic case post of about 2 KB with no identifiers.
// TestOffsetsSliceBackToText and TestEdgeInputs also use it, and
// TestScanTable's negatives cover the same ground sentence by sentence.
const cleanPost = `## Older man with progressive dyspnoea and hyponatraemia

**History.** Three weeks of worsening exertional dyspnoea, now at 50 m on the flat.
Ex-smoker (40 pack-years), quit 2019. Background of type 2 diabetes and
hypertension. Lost ~6 kg over two months without trying. No fever, no night
sweats, mild dry cough. Started on amlodipine six months ago.

**Social.** Retired, lives with his wife, independent with ADLs, walks the dog
daily until a month ago. No recent travel, no TB contacts, no asbestos.

**Medications.** Metformin 1 g BD, amlodipine 5 mg OD, atorvastatin 20 mg ON,
heparin 5000 units SC q8h since admission. No NSAIDs, SSRIs or carbamazepine.

**Exam.** Alert, euvolaemic clinically. RR 22, SpO2 93% on air, HR 96 regular,
BP 132/78, T 37.9 C. Reduced air entry and dullness at the right base. No
oedema, JVP not raised. Finger clubbing present. Power 5/5 throughout, grade
2/6 ejection murmur. No Babinski sign; Murphy's sign negative.

**Labs.** Na 124 mmol/L, K 4.1, urea 3.2, Cr 1.1 mg/dL, serum osm 258, urine
osm 510, urine Na 62, TSH 1.8, 9am cortisol 480 nmol/L, WBC 12,500, platelets
150000, HbA1c 7.2%, INR 1.1, troponin 0.04 ng/mL. ECG: QTc 460 ms.

CXR: right-sided effusion, possible right hilar mass. CT booked for day 3 of
admission. 2/2 blood cultures negative so far.

### What we have done

1. Fluid restriction to 1 L/day, daily sodium, 1/2 tab of the diuretic held.
2. Diagnostic tap: exudate by Light's criteria, cytology pending.
3. Referred to the lung cancer MDT (https://example.org/referrals/lung) and
   read https://www.nejm.org/doi/full/10.1056/NEJMcp1100148 again.

### Questions

- Would you treat the SIADH with tolvaptan while we wait, or is fluid
  restriction enough at 124?
- Any role for urea tablets here, given the likely small-cell picture?
- We called Cardiology about the murmur; they were not worried. Thoughts?
- If this is SCLC, would you start chemo inpatient given the sodium, or wait
  for the MDT on day 5? Performance status is 1, eGFR 62, no brain mets on CT.
`

// identifiedPost is the same kind of post with a few identifiers left in.
const identifiedPost = `## 92-year-old man with dyspnoea (Mr. Hartley, MRN 4471120)

Admitted on 3/14/2024 from his home at 18 Willow Lane, Dayton, OH 45402.
His daughter Susan (555-201-7788) is the proxy; she emailed the outside CT from
susan.hartley@example.com. Outside records: https://portal.example-health.org/patients/4471120.

Exam and labs as below: BP 132/78, Na 124 mmol/L, 2/2 cultures negative.
`

func BenchmarkScan(b *testing.B) {
	for _, bm := range []struct{ name, text string }{
		{"clean", cleanPost},
		{"identifiers", identifiedPost + cleanPost[:len(cleanPost)-len(identifiedPost)]},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(bm.text)))
			b.ReportAllocs()
			for b.Loop() {
				Scan(bm.text)
			}
		})
	}
}
