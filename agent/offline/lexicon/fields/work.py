"""Education, HR, software, IoT and telecom."""

from datagen.agent.offline.lexicon.entry import entries

ENTRIES = (
    entries(
        "education",
        """
student | entity | pupil, learner, undergraduate, user | full_name, email, birth_date, year_of_study=1/2/3/4, enrolled_at | naming=person rows=4000
teacher | entity | instructor, professor, lecturer, tutor, faculty | full_name, email, department=math/science/languages/history/arts/computing, hired_at | naming=person rows=200
school | entity | university, college, academy, campus | name, city, founded_year | naming=place rows=10
course | entity | class, module, subject | title, department=math/science/languages/history/arts/computing, credits=3/4/5/6, level | refs=teacher naming=title rows=400
lesson | fact | driving_lesson, private_lesson, tutoring_session, music_lesson | started_at, duration_minutes~45..120, lesson_type=standard/highway/parking/night/test_prep, price$45, status=completed:0.9/cancelled:0.07/no_show:0.03 | parents=student time=started_at amount=price per=12
enrollment | fact | registration, course_enrollment, enrolment, course_enrolment | enrolled_at, status, final_grade@grade | parents=student,course time=enrolled_at per=5
assignment | entity | homework, coursework | title, due_at, max_points=10/20/50/100 | refs=course naming=title rows=3000
submission | fact | assignment_submission, hand_in | submitted_at, score, late=false:0.88/true:0.12 | parents=student,assignment time=submitted_at per=10
exam | fact | test, quiz, exam_result, assessment | taken_at, score, passed=true:0.82/false:0.18 | parents=student,course time=taken_at per=4
attendance | fact | class_attendance_record, roll_call | attended_on, present=true:0.92/false:0.08 | parents=student,course time=attended_on per=40
library_member | entity | borrower, patron, cardholder, member | full_name, email, joined_at | naming=person rows=3000
book_loan | fact | checkout, library_loan, borrowing, loan_library, loan | borrowed_at, due_date, returned_at, status@checkout_status | parents=library_member,book time=borrowed_at per=6
library_branch | entity | branch, branch_library | name, city, opened_on | naming=place rows=12
""",
    )
    + entries(
        "hr",
        """
employee | entity | staff, worker, staff_member, hire, colleague, manager, supervisor, boss, report | full_name, work_email, job_title, employment_type, salary, hired_at, manager_id | refs=department naming=person rows=2500
department | entity | team_department, division_hr, business_unit | name=engineering/sales/marketing/finance/operations/support/hr/legal, cost_center@code | rows=8
job_posting | entity | job, vacancy, opening, requisition, position | title@job_title, department, salary_min$55000, posted_at, status=open:0.3/filled:0.6/closed:0.1 | rows=200
candidate | entity | applicant, job_seeker | full_name, email, source, applied_at | naming=person rows=3000
job_application | fact | application, candidacy | applied_at, stage=applied/screen/interview/offer/hired/rejected, status@application_status | parents=candidate,job_posting time=applied_at per=1.5
interview | fact | interview_round | scheduled_at, round=phone/technical/onsite/final, outcome=pass:0.45/fail:0.55 | parents=job_application time=scheduled_at per=1.2
performance_review | fact | appraisal, evaluation, review_hr | reviewed_at, rating, promoted=false:0.9/true:0.1 | parents=employee time=reviewed_at per=1
leave_request | fact | absence, time_off, vacation_request, sick_leave | starts_on, days#3, leave_type=vacation/sick/parental/unpaid, approved=true:0.9/false:0.1 | parents=employee time=starts_on per=4
payroll_run | fact | payslip, paycheck, payroll | paid_on, gross_pay$4800, net_pay$3600, tax$1200 | parents=employee time=paid_on amount=gross_pay per=12
timesheet | fact | time_entry, shift_log, work_shift, shift | worked_on, hours, project@project_code | parents=employee time=worked_on per=200
recruiter | entity | talent_partner, sourcer, headhunter, talent_acquisition_partner | full_name, email, team=tech/sales/operations/executive, hired_at | naming=person rows=40
""",
    )
    + entries(
        "software",
        """
user | entity | app_user, end_user, account_user, visitor | username, email, country, plan, signed_up_at | naming=person rows=5000
organization | entity | org, tenant, workspace, customer_account, company_account | name, plan, seats#20, industry=software/retail/finance/health/education, created_at | naming=company rows=500
feature | entity | product_feature, app_feature | name=search/export/dashboards/sso/api_access/notifications/reports/integrations, area=core/admin/analytics/integrations, launched_at | rows=40
event | fact | app_event, tracking_event, analytics_event, click, tap, action, usage_event, feature_usage | occurred_at, event_type, device, browser | parents=user,feature time=occurred_at per=60
web_session | fact | visit_web, user_session, website_visit | started_at, duration_seconds, pages_viewed#4, referrer, device | parents=user time=started_at per=15
subscription | fact | plan_subscription, membership_subscription | started_at, plan, mrr$49, status | parents=organization time=started_at amount=mrr per=1.2
support_ticket | fact | ticket_support, help_request, case_support, helpdesk_ticket, ticket | opened_at, priority, status@ticket_status, category=billing/technical/account/shipping/other, satisfaction@rating | parents=user time=opened_at per=1
repository | entity | repo, codebase, project_repo | name=api/web/mobile/infra/data/payments/auth/search, language=python/go/typescript/java/rust, created_at | rows=50
commit | fact | code_commit, changeset | committed_at, commit_sha, lines_added#40, lines_deleted#15 | parents=developer,repository time=committed_at per=200
developer | entity | engineer, programmer, contributor, committer | full_name, username, email, joined_at | naming=person rows=80
pull_request | fact | pr, merge_request, code_review | opened_at, merged_at, status=merged:0.75/closed:0.1/open:0.15, comments#3 | parents=developer,repository time=opened_at per=30
deployment | fact | deploy, release | deployed_at, environment, status, duration_seconds | parents=repository time=deployed_at per=80
incident | fact | outage, alert_incident, page | opened_at, resolved_at, severity, status | parents=repository time=opened_at per=6
api_request | fact | request, api_call, http_request, log, log_line | requested_at, http_method, status_code, latency_ms, endpoint=/v1/users:0.3/v1/orders:0.3/v1/search:0.25/v1/login:0.15 | parents=organization time=requested_at per=2000
feature_flag | entity | flag, experiment_flag | name=new_checkout/dark_mode/ai_search/fast_sync, enabled=true:0.6/false:0.4, created_at | rows=30
experiment | entity | ab_test, a_b_test, split_test | name=pricing_page/onboarding_v2/cta_color/checkout_flow, started_at, variants=2/3 | rows=20
experiment_exposure | fact | exposure, assignment_experiment | exposed_at, variant=control:0.5/treatment:0.5, converted=true:0.04/false:0.96 | parents=user,experiment time=exposed_at per=1
bug_report | fact | bug, defect, bug_ticket | reported_at, severity=minor:0.5/major:0.3/critical:0.15/blocker:0.05, component=ui/api/database/auth/billing/search, status=open/in_progress/resolved/closed, resolved_at | parents=customer time=reported_at per=2
""",
    )
    + entries(
        "iot",
        """
device | entity | smart_device, gadget, thermostat, appliance, smart_meter_device | serial_number, device_type=thermostat/camera/lock/smart_plug/sensor, firmware_version=1.0/1.1/2.0/2.1, installed_at | rows=2000
sensor | entity | probe, detector | serial_number, sensor_type=temperature/humidity/pressure/motion/vibration, installed_at | refs=device rows=3000
reading | fact | measurement, sensor_reading, telemetry, observation, sample | measured_at, value~0..100, temperature, humidity, battery_pct~0..100 | parents=sensor time=measured_at per=500
alert | fact | alarm, anomaly, notification_alert | raised_at, severity, acknowledged=true:0.8/false:0.2 | parents=sensor time=raised_at per=2
gateway | entity | hub, edge_gateway, base_station | name, site@site_code, firmware_version=1.0/2.0/2.1, installed_at | naming=place rows=100
firmware_update | fact | ota_update, update | applied_at, version=2.0/2.1/2.2/3.0, succeeded=true:0.96/false:0.04 | parents=device time=applied_at per=2
""",
    )
    + entries(
        "telecom",
        """
telecom_customer | entity | mobile_subscriber, phone_customer, subscriber_telecom, line_holder, customer, subscriber | full_name, phone_number, plan=prepaid:0.35/postpaid_basic:0.35/postpaid_unlimited:0.25/family:0.05, activated_at | naming=person rows=5000
call_record | fact | call, cdr, phone_call, voice_call | started_at, duration_seconds, call_type, network_type, dropped=false:0.98/true:0.02 | parents=telecom_customer,cell_tower time=started_at per=120
cell_tower | entity | tower, cell_site, antenna, base_transceiver | name, region, technology=4g:0.6/5g:0.4, latitude, longitude | naming=place rows=300
data_usage | fact | data_session, usage_record, session | recorded_at, mb_used~1..2000, network_type | parents=telecom_customer time=recorded_at per=60
sms | fact | text_message, sms_message | sent_at, direction=outgoing:0.55/incoming:0.45, delivered=true:0.99/false:0.01 | parents=telecom_customer time=sent_at per=80
telecom_bill | fact | phone_bill, monthly_bill, statement, bill, invoice | issued_on, amount$45, paid=true:0.93/false:0.07 | parents=telecom_customer time=issued_on amount=amount per=12
churn_event | fact | cancellation, churn, disconnection | churned_at, reason=price/coverage/service/moved/competitor | parents=telecom_customer time=churned_at per=0.2
""",
    )
)
